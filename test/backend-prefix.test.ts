import { describe, expect, it } from 'vitest'
import { openBackend, openRawClient } from './support/clients.ts'
import { expectBackendError } from './support/errors.ts'
import { comparable, sampleMeta, uniqueId, uniqueNamespace } from './support/meta.ts'
import { useSuiteRedis } from './support/suite-redis.ts'

const redis = useSuiteRedis()

describe('withPrefix', () => {
  it('stores results at {prefix}{taskId} and reads them back', async () => {
    const backend = openBackend(redis.url())
    const prefixed = backend.withPrefix('myapp-task-')
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    try {
      await prefixed.storeResult(meta, { ttlSeconds: 60 })
      const stored = await raw.get(`myapp-task-${meta.taskId}`)
      expect(JSON.parse(stored ?? 'null')).toMatchObject({ status: 'SUCCESS', task_id: meta.taskId })
      expect(await raw.exists(`celery-task-meta-${meta.taskId}`)).toBe(0)
      expect(comparable(await prefixed.getResult(meta.taskId))).toEqual(comparable(meta))
      // The parent still uses the default prefix, so it does not see the result.
      expect(await backend.getResult(meta.taskId)).toBeNull()
      expect(await prefixed.getResults([meta.taskId])).toHaveLength(1)
      await prefixed.setExpiration(meta.taskId, 30)
      expect(await raw.ttl(`myapp-task-${meta.taskId}`)).toBeLessThanOrEqual(30)
      expect(await prefixed.deleteResult(meta.taskId)).toBe(true)
      expect(await raw.exists(`myapp-task-${meta.taskId}`)).toBe(0)
    } finally {
      await prefixed.close()
    }
  })

  it('keeps the chord keys where they were', async () => {
    const backend = openBackend(redis.url())
    const prefixed = backend.withPrefix('myapp-task-')
    const raw = openRawClient(redis.url())
    const chordId = uniqueId('chord')
    try {
      expect(prefixed.keys.chord(chordId)).toEqual(backend.keys.chord(chordId))
      await prefixed.chordInit({ chordId, total: 2 })
      expect(await raw.exists(`celery-chord-${chordId}`, `celery-chord-counter-${chordId}`)).toBe(2)
      expect(await backend.chordCompleteTask(chordId, 'a')).toMatchObject({ completed: 1, counted: true })
      expect(await prefixed.chordCompleteTask(chordId, 'b')).toMatchObject({ completed: 2, isLast: true })
      expect(await prefixed.chordDelete(chordId)).toBe(true)
    } finally {
      await prefixed.close()
    }
  })

  it('shares the connection: closing the derived backend keeps the parent working', async () => {
    const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
    const prefixed = backend.withPrefix('myapp-task-')
    const meta = sampleMeta()
    await prefixed.storeResult(meta, { ttlSeconds: 60 })
    await prefixed.close()
    await backend.storeResult(meta, { ttlSeconds: 60 })
    expect(comparable(await backend.getResult(meta.taskId))).toEqual(comparable(meta))
  })

  it('closing the parent first keeps the derived backend working; closing both closes the connection', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const prefixed = backend.withPrefix('myapp-task-')
    const meta = sampleMeta()
    const raw = openRawClient(redis.url())
    await backend.close()
    await prefixed.storeResult(meta, { ttlSeconds: 60 })
    expect(await raw.exists(`${namespace}myapp-task-${meta.taskId}`)).toBe(1)
    await prefixed.close()
    await expectBackendError(prefixed.getResult(meta.taskId), 'Connection')
    await expectBackendError(backend.getResult(meta.taskId), 'Connection')
  })

  it('closing one backend twice does not close the connection another backend still uses', async () => {
    const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
    const prefixed = backend.withPrefix('myapp-task-')
    const meta = sampleMeta()
    try {
      await backend.close()
      // A second close (an explicit close followed by `await using`'s dispose, say) must be harmless.
      await backend.close()
      await prefixed.storeResult(meta, { ttlSeconds: 60 })
      expect(await prefixed.getResult(meta.taskId)).not.toBeNull()
    } finally {
      await prefixed.close()
    }
  })

  it('derives a prefix from a derived backend', async () => {
    const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
    const first = backend.withPrefix('first-')
    const second = first.withPrefix('second-')
    try {
      expect(second.keys.result('t')).toBe(`${backend.keys.namespace}second-t`)
      expect(second.url).toBe(backend.url)
      expect(second.barrier).toBe(backend.barrier)
      const meta = sampleMeta()
      await second.storeResult(meta, { ttlSeconds: 60 })
      expect(await first.getResult(meta.taskId)).toBeNull()
      expect(await second.getResult(meta.taskId)).not.toBeNull()
    } finally {
      await second.close()
      await first.close()
    }
  })
})

describe('the namespace option', () => {
  it("goes in front of result and chord keys, with Celery's `_` rule", async () => {
    const namespace = `app${uniqueId('ns').replace(/-/g, '')}`
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    const chordId = uniqueId('chord')
    await backend.storeResult(meta, { ttlSeconds: 60 })
    await backend.chordInit({ chordId, total: 1 })
    await backend.chordCompleteTask(chordId, 'only')
    expect(await raw.exists(`${namespace}_celery-task-meta-${meta.taskId}`)).toBe(1)
    expect(await raw.exists(`celery-task-meta-${meta.taskId}`)).toBe(0)
    expect(
      await raw.exists(
        `${namespace}_celery-chord-${chordId}`,
        `${namespace}_celery-chord-counter-${chordId}`,
        `${namespace}_celery-chord-members-${chordId}`,
      ),
    ).toBe(3)
    expect(await raw.exists(`celery-chord-${chordId}`)).toBe(0)
    expect((await raw.keys(`${namespace}_*`)).sort()).toEqual(
      [
        `${namespace}_celery-task-meta-${meta.taskId}`,
        `${namespace}_celery-chord-${chordId}`,
        `${namespace}_celery-chord-counter-${chordId}`,
        `${namespace}_celery-chord-members-${chordId}`,
      ].sort(),
    )
    await backend.chordDelete(chordId)
    await backend.deleteResult(meta.taskId)
  })

  it('keeps backends with different namespaces apart', async () => {
    const one = openBackend(redis.url(), { namespace: uniqueNamespace() })
    const other = openBackend(redis.url(), { namespace: uniqueNamespace() })
    const meta = sampleMeta()
    await one.storeResult(meta, { ttlSeconds: 60 })
    expect(await other.getResult(meta.taskId)).toBeNull()
    expect(await one.getResult(meta.taskId)).not.toBeNull()
  })
})
