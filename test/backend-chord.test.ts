import { describe, expect, it } from 'vitest'
import type { ChordProgress } from '../src/index.ts'
import { openBackend, openRawClient } from './support/clients.ts'
import { expectBackendError } from './support/errors.ts'
import { uniqueId, uniqueNamespace } from './support/meta.ts'
import { useSuiteRedis } from './support/suite-redis.ts'

const redis = useSuiteRedis()

function setup(options: { chordTtlSeconds?: number | null } = {}) {
  const namespace = uniqueNamespace()
  const backend = openBackend(redis.url(), { namespace, ...options })
  const raw = openRawClient(redis.url())
  const chordId = uniqueId('chord')
  const keys = {
    state: `${namespace}celery-chord-${chordId}`,
    counter: `${namespace}celery-chord-counter-${chordId}`,
    members: `${namespace}celery-chord-members-${chordId}`,
  }
  return { backend, raw, chordId, keys }
}

describe('chordInit', () => {
  it('creates the state, a counter at 0 and the members hash', async () => {
    const { backend, raw, chordId, keys } = setup()
    const createdAt = new Date('2026-08-08T14:15:20.123Z')
    expect(
      await backend.chordInit({
        chordId,
        total: 3,
        callback: 'tasks.tsum',
        taskIds: ['a', 'b', 'c'],
        createdAt,
      }),
    ).toBe(true)
    expect(await raw.get(keys.counter)).toBe('0')
    expect(await raw.type(keys.members)).toBe('hash')
    expect(JSON.parse((await raw.get(keys.state)) ?? 'null')).toEqual({
      chord_id: chordId,
      total: 3,
      completed: 0,
      callback: 'tasks.tsum',
      task_ids: ['a', 'b', 'c'],
      created_at: '2026-08-08T14:15:20.123000+00:00',
      cancelled: false,
      retry_count: 0,
    })
    expect(await backend.chordGetState(chordId)).toEqual({
      chordId,
      total: 3,
      completed: 0,
      callback: 'tasks.tsum',
      taskIds: ['a', 'b', 'c'],
      createdAt,
    })
  })

  it('defaults callback to null, taskIds to [] and createdAt to now', async () => {
    const { backend, chordId } = setup()
    const before = Date.now()
    await backend.chordInit({ chordId, total: 2 })
    const state = await backend.chordGetState(chordId)
    expect(state).toMatchObject({ chordId, total: 2, completed: 0, callback: null, taskIds: [] })
    expect(state?.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1)
    expect(state?.createdAt.getTime()).toBeLessThanOrEqual(Date.now())
  })

  it('a second init with the same total returns false and does not reset the count', async () => {
    const { backend, raw, chordId, keys } = setup()
    expect(await backend.chordInit({ chordId, total: 3 })).toBe(true)
    await backend.chordCompleteTask(chordId, 'a')
    await backend.chordCompleteTask(chordId, 'b')
    expect(await backend.chordInit({ chordId, total: 3, callback: 'other' })).toBe(false)
    expect(await raw.get(keys.counter)).toBe('2')
    expect((await backend.chordGetState(chordId))?.completed).toBe(2)
    // The duplicates stay duplicates after the second init.
    expect(await backend.chordCompleteTask(chordId, 'a')).toMatchObject({ counted: false, completed: 2 })
  })

  it('an init with another total is InvalidInput and changes nothing', async () => {
    const { backend, raw, chordId, keys } = setup()
    await backend.chordInit({ chordId, total: 3 })
    await backend.chordCompleteTask(chordId, 'a')
    const stateBefore = await raw.get(keys.state)
    const error = await expectBackendError(backend.chordInit({ chordId, total: 4 }), 'InvalidInput')
    expect(error.message).toContain('3')
    expect(await raw.get(keys.state)).toBe(stateBefore)
    expect(await raw.get(keys.counter)).toBe('1')
    expect((await backend.chordGetState(chordId))?.total).toBe(3)
  })

  it('gives every chord key the chordTtlSeconds TTL', async () => {
    const { backend, raw, chordId, keys } = setup({ chordTtlSeconds: 90 })
    await backend.chordInit({ chordId, total: 2 })
    await backend.chordCompleteTask(chordId, 'a')
    for (const key of Object.values(keys)) {
      const ttl = await raw.ttl(key)
      expect(ttl, key).toBeGreaterThan(80)
      expect(ttl, key).toBeLessThanOrEqual(90)
    }
  })

  it('uses 86400 s as the default chord TTL', async () => {
    const { backend, raw, chordId, keys } = setup()
    await backend.chordInit({ chordId, total: 1 })
    for (const key of Object.values(keys)) {
      const ttl = await raw.ttl(key)
      expect(ttl, key).toBeGreaterThanOrEqual(86_390)
      expect(ttl, key).toBeLessThanOrEqual(86_400)
    }
  })

  it('keeps chord keys forever with chordTtlSeconds: null', async () => {
    const { backend, raw, chordId, keys } = setup({ chordTtlSeconds: null })
    await backend.chordInit({ chordId, total: 2 })
    await backend.chordCompleteTask(chordId, 'a')
    for (const key of Object.values(keys)) expect(await raw.ttl(key), key).toBe(-1)
    await backend.chordDelete(chordId)
  })
})

describe('chordCompleteTask', () => {
  it('counts distinct tasks and reports exactly one isLast', async () => {
    const { backend, raw, chordId, keys } = setup()
    await backend.chordInit({ chordId, total: 3 })
    const progress: ChordProgress[] = []
    for (const taskId of ['a', 'b', 'a', 'c', 'b', 'c', 'd']) {
      progress.push(await backend.chordCompleteTask(chordId, taskId))
    }
    expect(progress).toEqual([
      { completed: 1, total: 3, isLast: false, counted: true },
      { completed: 2, total: 3, isLast: false, counted: true },
      { completed: 2, total: 3, isLast: false, counted: false },
      { completed: 3, total: 3, isLast: true, counted: true },
      { completed: 3, total: 3, isLast: false, counted: false },
      { completed: 3, total: 3, isLast: false, counted: false },
      // A distinct id after completion is not counted either.
      { completed: 3, total: 3, isLast: false, counted: false },
    ])
    expect(progress.filter(step => step.isLast)).toHaveLength(1)
    expect(await raw.get(keys.counter)).toBe('3')
  })

  it('never reports more than total, however many distinct ids arrive', async () => {
    const { backend, chordId } = setup()
    await backend.chordInit({ chordId, total: 5 })
    const progress = await Promise.all(
      Array.from({ length: 40 }, (_, index) => backend.chordCompleteTask(chordId, `t${index}`)),
    )
    expect(Math.max(...progress.map(step => step.completed))).toBe(5)
    expect(progress.filter(step => step.counted)).toHaveLength(5)
    expect(progress.filter(step => step.isLast)).toHaveLength(1)
    expect((await backend.chordGetState(chordId))?.completed).toBe(5)
  })

  it('a chord of one finishes on its first task', async () => {
    const { backend, chordId } = setup()
    await backend.chordInit({ chordId, total: 1 })
    expect(await backend.chordCompleteTask(chordId, 'only')).toEqual({
      completed: 1,
      total: 1,
      isLast: true,
      counted: true,
    })
    expect(await backend.chordCompleteTask(chordId, 'only')).toMatchObject({ isLast: false, counted: false })
  })

  it('is NotFound for a chord that does not exist, and creates nothing', async () => {
    const { backend, raw, chordId, keys } = setup()
    const error = await expectBackendError(backend.chordCompleteTask(chordId, 'a'), 'NotFound')
    expect(error.message).toMatch(/chord does not exist/)
    expect(await raw.exists(keys.state, keys.counter, keys.members)).toBe(0)
  })

  it('is NotFound after chordDelete', async () => {
    const { backend, chordId } = setup()
    await backend.chordInit({ chordId, total: 2 })
    await backend.chordCompleteTask(chordId, 'a')
    await backend.chordDelete(chordId)
    await expectBackendError(backend.chordCompleteTask(chordId, 'b'), 'NotFound')
  })
})

describe('chordGetState and chordDelete', () => {
  it("reads completed from the spec's counter key, which holds the distinct count", async () => {
    const { backend, raw, chordId, keys } = setup()
    await backend.chordInit({ chordId, total: 10 })
    for (const taskId of ['a', 'b', 'b', 'c', 'a', 'd']) await backend.chordCompleteTask(chordId, taskId)
    expect(await raw.get(keys.counter)).toBe('4')
    expect((await backend.chordGetState(chordId))?.completed).toBe(4)
    // A spec reader that increments the counter itself is what chordGetState reports.
    await raw.incr(keys.counter)
    expect((await backend.chordGetState(chordId))?.completed).toBe(5)
  })

  it('returns null for an unknown chord', async () => {
    const { backend, chordId } = setup()
    expect(await backend.chordGetState(chordId)).toBeNull()
  })

  it('chordDelete removes all three keys and says whether there were any', async () => {
    const { backend, raw, chordId, keys } = setup()
    await backend.chordInit({ chordId, total: 2 })
    await backend.chordCompleteTask(chordId, 'a')
    expect(await raw.exists(keys.state, keys.counter, keys.members)).toBe(3)
    expect(await backend.chordDelete(chordId)).toBe(true)
    expect(await raw.exists(keys.state, keys.counter, keys.members)).toBe(0)
    expect(await backend.chordGetState(chordId)).toBeNull()
    expect(await backend.chordDelete(chordId)).toBe(false)
  })

  it('a deleted chord can be created again from zero', async () => {
    const { backend, chordId } = setup()
    await backend.chordInit({ chordId, total: 2 })
    await backend.chordCompleteTask(chordId, 'a')
    await backend.chordDelete(chordId)
    expect(await backend.chordInit({ chordId, total: 3 })).toBe(true)
    expect(await backend.chordCompleteTask(chordId, 'a')).toMatchObject({ completed: 1, counted: true })
  })
})
