import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSelfSignedCertificates, RedisServer, type TlsCertificateFiles } from '../src/servers/index.ts'
import { ping } from './support/fail-fast-client.ts'

/** A plain client's bytes are no TLS handshake, so the server drops the connection. */
const connectionDropped = /ECONNRESET|EPIPE|Connection is closed/
/** TLS 1.3 reports a missing client certificate by an alert, unless the reset arrives first. */
const certificateRequired = /certificate required|ECONNRESET|EPIPE|Connection is closed/

describe('RedisServer with TLS', () => {
  let certDir: string
  let certificates: TlsCertificateFiles
  let ca: Buffer

  beforeAll(async () => {
    certDir = await mkdtemp(join(tmpdir(), 'chordlab-tls-test-'))
    certificates = await makeSelfSignedCertificates(certDir)
    ca = await readFile(certificates.caFile)
  })

  afterAll(async () => {
    await rm(certDir, { recursive: true, force: true })
  })

  it('answers a client that trusts the CA, and refuses a plain TCP client', async () => {
    const server = await new RedisServer({ tls: certificates }).start()
    try {
      expect(server.tls).toBe(true)
      expect(server.url()).toBe(`rediss://127.0.0.1:${server.port}`)
      expect(await ping({ port: server.port, tls: { ca } })).toBe('PONG')
      await expect(ping({ port: server.port, connectTimeout: 500, commandTimeout: 500 })).rejects.toThrow(
        connectionDropped,
      )
    } finally {
      await server.stop()
    }
  })

  it('with requireClientCert, refuses a client without a certificate and answers one with it', async () => {
    const server = await new RedisServer({ tls: { ...certificates, requireClientCert: true } }).start()
    try {
      await expect(ping({ port: server.port, tls: { ca }, commandTimeout: 500 })).rejects.toThrow(
        certificateRequired,
      )
      const [cert, key] = await Promise.all([readFile(certificates.certFile), readFile(certificates.keyFile)])
      expect(await ping({ port: server.port, tls: { ca, cert, key } })).toBe('PONG')
    } finally {
      await server.stop()
    }
  })
})
