import { describe, expect, it } from 'vitest'
import type { TaskMeta } from '../src/index.ts'
import { openBackend, openRawClient } from './support/clients.ts'
import { expectBackendError } from './support/errors.ts'
import { comparable, sampleMeta, uniqueId, uniqueNamespace } from './support/meta.ts'
import { useSuiteRedis } from './support/suite-redis.ts'

const redis = useSuiteRedis()

function metas(count: number): TaskMeta[] {
  return Array.from({ length: count }, (_, index) =>
    sampleMeta({
      taskId: `batch-${index}-${uniqueId()}`,
      result:
        index % 3 === 0
          ? { state: 'FAILURE', message: `no ${index}`, excType: 'ValueError', excModule: 'builtins' }
          : { state: 'SUCCESS', value: index },
    }),
  )
}

describe('storeResults / getResults', () => {
  it('stores 250 results and reads them back in the order asked, null for missing ids', async () => {
    const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
    const stored = metas(250)
    await backend.storeResults(stored)

    const reversed = [...stored].reverse()
    const ids = reversed.map(meta => meta.taskId)
    const asked = [
      uniqueId('missing'),
      ...ids.slice(0, 100),
      uniqueId('missing'),
      ...ids.slice(100),
      uniqueId('missing'),
    ]
    const results = await backend.getResults(asked)
    expect(results).toHaveLength(253)
    expect(results[0]).toBeNull()
    expect(results[101]).toBeNull()
    expect(results[252]).toBeNull()
    const found = results.filter(result => result !== null)
    expect(found.map(comparable)).toEqual(reversed.map(comparable))
  })

  it('applies the TTL to every result of the batch', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const stored = metas(20)
    await backend.storeResults(stored, { ttlSeconds: 40 })
    for (const meta of stored) {
      const ttl = await raw.ttl(`${namespace}celery-task-meta-${meta.taskId}`)
      expect(ttl).toBeGreaterThan(30)
      expect(ttl).toBeLessThanOrEqual(40)
    }
    const forever = openBackend(redis.url(), { namespace, resultTtlSeconds: null })
    const kept = metas(3)
    await forever.storeResults(kept)
    for (const meta of kept) expect(await raw.ttl(`${namespace}celery-task-meta-${meta.taskId}`)).toBe(-1)
  })

  it('reads more ids than one MGET chunk, in order', async () => {
    const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
    const stored = metas(5)
    await backend.storeResults(stored)
    const ids = Array.from({ length: 2_100 }, (_, index) => `absent-${index}`)
    const positions = [0, 999, 1_000, 1_001, 2_099]
    positions.forEach((position, index) => {
      ids[position] = stored[index]?.taskId ?? ''
    })
    const results = await backend.getResults(ids)
    expect(results).toHaveLength(2_100)
    expect(results.filter(result => result !== null)).toHaveLength(5)
    positions.forEach((position, index) => {
      expect(results[position]?.taskId).toBe(stored[index]?.taskId)
    })
  })

  it('accepts empty arrays', async () => {
    const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
    await expect(backend.storeResults([])).resolves.toBeUndefined()
    expect(await backend.getResults([])).toEqual([])
  })

  it('writes nothing when one meta of the batch is invalid', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const batch = metas(10)
    const invalid = { ...sampleMeta(), result: { state: 'SUCCESS' } } as unknown as TaskMeta
    await expectBackendError(
      backend.storeResults([...batch.slice(0, 5), invalid, ...batch.slice(5)]),
      'InvalidInput',
    )
    expect(await raw.keys(`${namespace}*`)).toEqual([])
    expect(await backend.getResults(batch.map(meta => meta.taskId))).toEqual(batch.map(() => null))
  })

  it('writes nothing when one id of the batch is invalid', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const batch = [...metas(4), sampleMeta({ taskId: 'has space' })]
    await expectBackendError(backend.storeResults(batch), 'InvalidInput')
    await expectBackendError(backend.getResults(['fine', 'has space']), 'InvalidInput')
    expect(await raw.keys(`${namespace}*`)).toEqual([])
  })

  it('names the corrupt result among good ones with a Serialization error', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const good = metas(6)
    await backend.storeResults(good)
    const corruptId = `corrupt-${uniqueId()}`
    await raw.set(`${namespace}celery-task-meta-${corruptId}`, '{"status": "SUCCESS", "result": ')
    const ids = [
      ...good.slice(0, 3).map(meta => meta.taskId),
      corruptId,
      ...good.slice(3).map(meta => meta.taskId),
    ]
    const error = await expectBackendError(backend.getResults(ids), 'Serialization')
    expect(error.message).toContain(corruptId)
    for (const meta of good) expect(error.message).not.toContain(meta.taskId)
    // The good results still read one by one.
    expect(comparable(await backend.getResult(good[0]?.taskId ?? ''))).toEqual(comparable(good[0] ?? null))
  })
})
