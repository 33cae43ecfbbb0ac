import { describe, expect, it } from 'vitest'
import { openBackend, openRawClient } from './support/clients.ts'
import { expectBackendError } from './support/errors.ts'
import { uniqueId, uniqueNamespace } from './support/meta.ts'
import { useSuiteRedis } from './support/suite-redis.ts'

const redis = useSuiteRedis()

const garbage: Array<[string, string | Buffer]> = [
  ['text', 'definitely not json'],
  ['truncated JSON', '{"status": "SUCCESS", "result": [1, 2'],
  ['a JSON array', '[1, 2, 3]'],
  ['a document without status', '{"result": 4}'],
  ['an unknown status', '{"status": "MELTED", "result": 4}'],
  ['a bad date', '{"status": "SUCCESS", "result": 4, "date_done": "2026-99-01T00:00:00"}'],
  [
    'binary CELERS_GZIP: data',
    Buffer.concat([Buffer.from('CELERS_GZIP:'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xc3, 0x28, 0xff])]),
  ],
]

describe('corrupt values stored by someone else', () => {
  it.each(garbage)(
    'getResult of %s is a Serialization error and leaves the value as it was',
    async (_name, value) => {
      const namespace = uniqueNamespace()
      const backend = openBackend(redis.url(), { namespace })
      const raw = openRawClient(redis.url())
      const taskId = uniqueId()
      const key = `${namespace}celery-task-meta-${taskId}`
      await raw.set(key, value, 'EX', 120)
      const error = await expectBackendError(backend.getResult(taskId), 'Serialization')
      expect(error.message).toContain(taskId)
      expect(await raw.getBuffer(key)).toEqual(Buffer.from(value))
      expect(await raw.ttl(key)).toBeGreaterThan(100)
    },
  )

  it('a result document naming another task is a Serialization error', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const taskId = uniqueId()
    const key = `${namespace}celery-task-meta-${taskId}`
    const value = '{"status": "SUCCESS", "result": 4, "task_id": "someone-else"}'
    await raw.set(key, value, 'EX', 120)
    await expectBackendError(backend.getResult(taskId), 'Serialization')
    expect(await raw.get(key)).toBe(value)
  })

  it('a result key of another type is an error, not a crash, and is left alone', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const taskId = uniqueId()
    const key = `${namespace}celery-task-meta-${taskId}`
    await raw.rpush(key, 'a', 'b')
    await raw.expire(key, 120)
    // WRONGTYPE is Redis answering with an error.
    await expectBackendError(backend.getResult(taskId), 'Redis')
    expect(await raw.lrange(key, 0, -1)).toEqual(['a', 'b'])
  })

  it.each(garbage)(
    'chordGetState of a chord state holding %s is a Serialization error',
    async (_name, value) => {
      const namespace = uniqueNamespace()
      const backend = openBackend(redis.url(), { namespace })
      const raw = openRawClient(redis.url())
      const chordId = uniqueId('chord')
      await backend.chordInit({ chordId, total: 3 })
      const stateKey = `${namespace}celery-chord-${chordId}`
      await raw.set(stateKey, value, 'KEEPTTL')
      const error = await expectBackendError(backend.chordGetState(chordId), 'Serialization')
      expect(error.message).toContain(chordId)
      expect(await raw.getBuffer(stateKey)).toEqual(Buffer.from(value))
    },
  )

  it.each([
    ['not a number', 'lots'],
    ['negative', '-4'],
    ['fractional', '1.5'],
  ])('chordGetState with a counter that is %s is a Serialization error', async (_name, counter) => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const chordId = uniqueId('chord')
    await backend.chordInit({ chordId, total: 3 })
    const counterKey = `${namespace}celery-chord-counter-${chordId}`
    await raw.set(counterKey, counter, 'KEEPTTL')
    const error = await expectBackendError(backend.chordGetState(chordId), 'Serialization')
    expect(error.message).toContain(chordId)
    expect(await raw.get(counterKey)).toBe(counter)
  })

  it("a chord state written without chordlab's members hash makes chordInit refuse, untouched", async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const chordId = uniqueId('chord')
    const stateKey = `${namespace}celery-chord-${chordId}`
    const foreign = '{"chord_id": "x", "total": 3, "completed": 1}'
    await raw.set(stateKey, foreign, 'EX', 120)
    await expectBackendError(backend.chordInit({ chordId, total: 3 }), 'InvalidInput')
    expect(await raw.get(stateKey)).toBe(foreign)
    expect(await raw.exists(`${namespace}celery-chord-counter-${chordId}`)).toBe(0)
  })
})
