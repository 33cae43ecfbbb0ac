import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export interface TlsCertificateFiles {
  caFile: string
  certFile: string
  keyFile: string
}

/**
 * Writes a throwaway CA and a certificate it signed for `localhost` and 127.0.0.1 (EC P-256, valid
 * one day) into `dir`. The certificate allows both server and client authentication, so the same
 * pair can serve a server that requires client certificates and the clients that connect to it.
 */
export async function makeSelfSignedCertificates(dir: string): Promise<TlsCertificateFiles> {
  const caKey = join(dir, 'ca.key')
  const caFile = join(dir, 'ca.crt')
  const csrFile = join(dir, 'server.csr')
  const certFile = join(dir, 'server.crt')
  const keyFile = join(dir, 'server.key')
  const extensionsFile = join(dir, 'server.ext')
  const newP256Key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']

  await openssl([
    'req',
    '-x509',
    ...newP256Key,
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-days',
    '1',
    '-subj',
    '/CN=chordlab test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ])
  await openssl(['req', '-new', ...newP256Key, '-keyout', keyFile, '-out', csrFile, '-subj', '/CN=localhost'])
  await writeFile(
    extensionsFile,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ].join('\n'),
  )
  await openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-out',
    certFile,
    '-days',
    '1',
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-extfile',
    extensionsFile,
  ])
  return { caFile, certFile, keyFile }
}

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileAsync('openssl', args)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'openssl not found: it is needed to make test certificates. Install it: sudo apt-get install openssl',
        {
          cause: error,
        },
      )
    }
    const stderr = (error as { stderr?: string }).stderr ?? ''
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()}`, { cause: error })
  }
}
