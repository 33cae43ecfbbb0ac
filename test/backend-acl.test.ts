import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisServer, type StartedRedisServer } from '../src/servers/index.ts'
import { openBackend } from './support/clients.ts'
import { expectBackendError, expectBackendErrorWithin } from './support/errors.ts'
import { comparable, sampleMeta, uniqueId } from './support/meta.ts'

const password = 's3cr3t-PW'

describe('a backend authenticating as an ACL user', () => {
  let server: StartedRedisServer | undefined

  beforeAll(async () => {
    server = await new RedisServer({
      users: [
        { name: 'alice', password },
        // May touch only keys under `allowed:`.
        { name: 'carol', password, rules: '~allowed:* &* +@all' },
      ],
    }).start()
  })

  afterAll(async () => {
    await server?.stop()
  })

  function url(user: string, secret: string): string {
    if (server === undefined) throw new Error('the server did not start')
    return `redis://${user}:${encodeURIComponent(secret)}@127.0.0.1:${server.port}`
  }

  it('stores, reads and runs a chord as redis://user:password@host', async () => {
    const backend = openBackend(url('alice', password))
    expect(backend.url).toBe(`redis://alice:***@127.0.0.1:${server?.port}`)
    const meta = sampleMeta()
    await backend.storeResult(meta, { ttlSeconds: 60 })
    expect(comparable(await backend.getResult(meta.taskId))).toEqual(comparable(meta))
    const chordId = uniqueId('chord')
    await backend.chordInit({ chordId, total: 2 })
    await backend.chordCompleteTask(chordId, 'a')
    expect(await backend.chordCompleteTask(chordId, 'b')).toMatchObject({ isLast: true, completed: 2 })
  })

  // A wrong password is Redis refusing AUTH (WRONGPASS): ioredis rejects the waiting commands with
  // that reply, so the kind is 'Redis', not 'Connection'.
  it('a wrong password fails with a Redis error (WRONGPASS) that does not contain the password', async () => {
    const wrong = 'wr0ng-s3cr3t-PW'
    const backend = openBackend(url('alice', wrong))
    const backendError = await expectBackendErrorWithin(backend.getResult(uniqueId()), 'Redis', 5_000)
    expect(backendError.message).toMatch(/WRONGPASS/)
    for (const text of [
      backendError.message,
      String(backendError.stack),
      inspect(backendError, { depth: 5 }),
    ]) {
      expect(text).not.toContain(wrong)
      expect(text).not.toContain(password)
    }
  })

  it('an unknown user fails the same way', async () => {
    const backend = openBackend(url('mallory', password))
    const error = await expectBackendError(backend.storeResult(sampleMeta()), 'Redis')
    expect(inspect(error, { depth: 5 })).not.toContain(password)
  })

  it("a user limited to some keys gets Redis's NOPERM as a Redis error, and works in its namespace", async () => {
    const outside = openBackend(url('carol', password))
    const error = await expectBackendError(outside.storeResult(sampleMeta()), 'Redis')
    expect(error.message).toMatch(/NOPERM/)
    const inside = openBackend(url('carol', password), { namespace: 'allowed:' })
    const meta = sampleMeta()
    await inside.storeResult(meta, { ttlSeconds: 60 })
    expect(await inside.getResult(meta.taskId)).not.toBeNull()
    const chordId = uniqueId('chord')
    await inside.chordInit({ chordId, total: 1 })
    expect(await inside.chordCompleteTask(chordId, 'only')).toMatchObject({ isLast: true })
  })
})
