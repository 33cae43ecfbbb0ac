import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSelfSignedCertificates, RedisServer, type StartedRedisServer } from '../src/servers/index.ts'
import { openBackend, openRawClient } from './support/clients.ts'
import { expectBackendErrorWithin } from './support/errors.ts'
import { comparable, sampleMeta, uniqueId } from './support/meta.ts'
import { settleWithin } from './support/wait.ts'

describe('a backend over TLS (rediss://) with a self-signed certificate', () => {
  let certDir: string | undefined
  let server: StartedRedisServer | undefined
  let ca: Buffer

  beforeAll(async () => {
    certDir = await mkdtemp(join(tmpdir(), 'chordlab-backend-tls-'))
    const certificates = await makeSelfSignedCertificates(certDir)
    ca = await readFile(certificates.caFile)
    server = await new RedisServer({ tls: certificates }).start()
  })

  afterAll(async () => {
    await server?.stop()
    if (certDir !== undefined) await rm(certDir, { recursive: true, force: true })
  })

  function url(): string {
    if (server === undefined) throw new Error('the TLS server did not start')
    return `rediss://localhost:${server.port}`
  }

  it('stores and reads results', async () => {
    const backend = openBackend(url(), { tls: { ca } })
    const meta = sampleMeta()
    await backend.storeResult(meta)
    expect(comparable(await backend.getResult(meta.taskId))).toEqual(comparable(meta))
    expect(await backend.getResults([meta.taskId, uniqueId()])).toHaveLength(2)
    expect(await backend.deleteResult(meta.taskId)).toBe(true)
  })

  it('runs a chord to its end', async () => {
    const backend = openBackend(url(), { tls: { ca } })
    const chordId = uniqueId('chord')
    expect(await backend.chordInit({ chordId, total: 3 })).toBe(true)
    const progress = []
    for (const taskId of ['a', 'b', 'b', 'c']) progress.push(await backend.chordCompleteTask(chordId, taskId))
    expect(progress.map(step => step.isLast)).toEqual([false, false, false, true])
    expect((await backend.chordGetState(chordId))?.completed).toBe(3)
    expect(await backend.chordDelete(chordId)).toBe(true)
  })

  // RFC 6066 forbids an IP address as TLS server name; Node says so with DEP0123 and will ignore it.
  it('reaches rediss://127.0.0.1 (an IP in the certificate) without sending the IP as server name', async () => {
    if (server === undefined) throw new Error('the TLS server did not start')
    const warnings: string[] = []
    const onWarning = (warning: Error & { code?: string }) =>
      warnings.push(`${warning.code}: ${warning.message}`)
    process.on('warning', onWarning)
    try {
      const backend = openBackend(`rediss://127.0.0.1:${server.port}`, { tls: { ca } })
      const meta = sampleMeta()
      await backend.storeResult(meta, { ttlSeconds: 60 })
      expect(await backend.getResult(meta.taskId)).not.toBeNull()
      // Warnings are emitted on a later tick.
      await new Promise(resolve => setImmediate(resolve))
      expect(warnings.filter(warning => warning.startsWith('DEP0123'))).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('really speaks TLS: a plain redis:// client cannot use the port', async () => {
    if (server === undefined) throw new Error('the TLS server did not start')
    const plain = openRawClient(`redis://127.0.0.1:${server.port}`)
    const outcome = await settleWithin(plain.ping(), 5_000)
    expect(outcome.settled && outcome.status === 'rejected').toBe(true)
  })

  it('refuses a server certificate it cannot verify, with a Connection error', async () => {
    const backend = openBackend(url(), { connectTimeoutMs: 2_000 })
    await expectBackendErrorWithin(backend.getResult(uniqueId()), 'Connection', 5_000)
  })
})
