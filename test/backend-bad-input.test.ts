import { describe, expect, it } from 'vitest'
import { maxTtlSeconds } from '../src/backend/validate.ts'
import {
  type BackendOptions,
  isBackendError,
  type JsonValue,
  RedisResultBackend,
  type TaskMeta,
} from '../src/index.ts'
import { openBackend, openRawClient } from './support/clients.ts'
import { expectBackendError, expectBackendErrorSync, failureOf } from './support/errors.ts'
import { sampleMeta, uniqueId, uniqueNamespace } from './support/meta.ts'
import { useSuiteRedis } from './support/suite-redis.ts'

const redis = useSuiteRedis()

/** A backend on the suite's server with a namespace of its own, plus a raw client to list its keys. */
function isolated(options: BackendOptions = {}) {
  const namespace = uniqueNamespace()
  const backend = openBackend(redis.url(), { ...options, namespace })
  const raw = openRawClient(redis.url())
  return { backend, namespace, keys: () => raw.keys(`${namespace}*`) }
}

const badIds: Array<[string, unknown]> = [
  ['empty', ''],
  ['257 characters', 'x'.repeat(257)],
  ['a line break', 'a\nb'],
  ['a NUL', 'a\u0000b'],
  ['a space', 'a b'],
  ['a tab', 'a\tb'],
  ['DEL', 'a\u007fb'],
  ['a C1 control', 'a\u0085b'],
  ['an opening brace', 'a{b'],
  ['a closing brace', 'a}b'],
  ['a number', 42],
  ['undefined', undefined],
]

describe('ids are refused before anything reaches Redis', () => {
  it.each(badIds)('task id: %s', async (_name, id) => {
    const { backend, keys } = isolated()
    const taskId = id as string
    await expectBackendError(backend.storeResult(sampleMeta({ taskId })), 'InvalidInput')
    await expectBackendError(backend.storeResults([sampleMeta(), sampleMeta({ taskId })]), 'InvalidInput')
    await expectBackendError(backend.getResult(taskId), 'InvalidInput')
    await expectBackendError(backend.getResults(['fine', taskId]), 'InvalidInput')
    await expectBackendError(backend.deleteResult(taskId), 'InvalidInput')
    await expectBackendError(backend.setExpiration(taskId, 10), 'InvalidInput')
    await expectBackendError(
      backend.chordInit({ chordId: uniqueId('c'), total: 2, taskIds: ['a', taskId] }),
      'InvalidInput',
    )
    await expectBackendError(backend.chordCompleteTask(uniqueId('c'), taskId), 'InvalidInput')
    expect(await keys()).toEqual([])
  })

  it.each(badIds)('chord id: %s', async (_name, id) => {
    const { backend, keys } = isolated()
    const chordId = id as string
    await expectBackendError(backend.chordInit({ chordId, total: 1 }), 'InvalidInput')
    await expectBackendError(backend.chordCompleteTask(chordId, 'task'), 'InvalidInput')
    await expectBackendError(backend.chordGetState(chordId), 'InvalidInput')
    await expectBackendError(backend.chordDelete(chordId), 'InvalidInput')
    expect(await keys()).toEqual([])
  })

  it('accepts ids of 256 characters and ids with punctuation and non-ASCII letters', async () => {
    const { backend } = isolated()
    for (const taskId of ['y'.repeat(256), 'a:b/c.d_e-f@g#h', 'tâche-✓-任务']) {
      await backend.storeResult(sampleMeta({ taskId }), { ttlSeconds: 60 })
      expect((await backend.getResult(taskId))?.taskId).toBe(taskId)
    }
  })
})

describe('TTLs', () => {
  const badTtls: Array<[string, unknown]> = [
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ["'10'", '10'],
    ['one past the largest', maxTtlSeconds + 1],
  ]

  it.each(badTtls)('refuses ttlSeconds %s and stores nothing', async (_name, ttl) => {
    const { backend, keys } = isolated()
    const ttlSeconds = ttl as number
    await expectBackendError(backend.storeResult(sampleMeta(), { ttlSeconds }), 'InvalidInput')
    await expectBackendError(backend.storeResults([sampleMeta()], { ttlSeconds }), 'InvalidInput')
    expect(await keys()).toEqual([])
  })

  it.each(badTtls)('refuses setExpiration(%s) and leaves the TTL alone', async (_name, ttl) => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace, resultTtlSeconds: null })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    await backend.storeResult(meta)
    await expectBackendError(backend.setExpiration(meta.taskId, ttl as number), 'InvalidInput')
    expect(await raw.ttl(`${namespace}celery-task-meta-${meta.taskId}`)).toBe(-1)
  })

  it.each(badTtls)('refuses resultTtlSeconds and chordTtlSeconds %s in the constructor', (_name, ttl) => {
    const seconds = ttl as number
    expectBackendErrorSync(
      () => new RedisResultBackend(redis.url(), { resultTtlSeconds: seconds }),
      'InvalidInput',
    )
    expectBackendErrorSync(
      () => new RedisResultBackend(redis.url(), { chordTtlSeconds: seconds }),
      'InvalidInput',
    )
  })
})

describe('chord arguments', () => {
  it.each([
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ["'3'", '3'],
  ])('refuses a total of %s', async (_name, total) => {
    const { backend, keys } = isolated()
    await expectBackendError(
      backend.chordInit({ chordId: uniqueId('c'), total: total as number }),
      'InvalidInput',
    )
    expect(await keys()).toEqual([])
  })

  it('refuses a taskIds list whose length is not the total', async () => {
    const { backend, keys } = isolated()
    const error = await expectBackendError(
      backend.chordInit({ chordId: uniqueId('c'), total: 3, taskIds: ['a', 'b'] }),
      'InvalidInput',
    )
    expect(error.message).toMatch(/2 task ids for a total of 3/)
    await expectBackendError(
      backend.chordInit({ chordId: uniqueId('c'), total: 1, taskIds: ['a', 'b'] }),
      'InvalidInput',
    )
    expect(await keys()).toEqual([])
  })

  it('refuses a callback that is not a name and a createdAt that is not a date', async () => {
    const { backend, keys } = isolated()
    await expectBackendError(
      backend.chordInit({ chordId: uniqueId('c'), total: 1, callback: 7 as unknown as string }),
      'InvalidInput',
    )
    await expectBackendError(
      backend.chordInit({ chordId: uniqueId('c'), total: 1, createdAt: new Date(Number.NaN) }),
      'InvalidInput',
    )
    expect(await keys()).toEqual([])
  })
})

describe('constructor options', () => {
  it('refuses an unknown barrier name', () => {
    const error = expectBackendErrorSync(
      () => new RedisResultBackend(redis.url(), { barrier: 'optimistic' as BackendOptions['barrier'] }),
      'InvalidInput',
    )
    expect(error.message).toContain('optimistic')
  })

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses maxValueBytes %s', maxValueBytes => {
    expectBackendErrorSync(() => new RedisResultBackend(redis.url(), { maxValueBytes }), 'InvalidInput')
  })
})

describe('result values', () => {
  it('refuses a result larger than maxValueBytes and stores nothing', async () => {
    const { backend, keys } = isolated({ maxValueBytes: 1024 })
    const big = sampleMeta({ result: { state: 'SUCCESS', value: 'x'.repeat(2048) } })
    const error = await expectBackendError(backend.storeResult(big), 'InvalidInput')
    expect(error.message).toMatch(/maxValueBytes/)
    await expectBackendError(backend.storeResults([sampleMeta(), big]), 'InvalidInput')
    expect(await keys()).toEqual([])
    // Bytes, not characters, are counted.
    const multibyte = sampleMeta({ result: { state: 'SUCCESS', value: '€'.repeat(400) } })
    await expectBackendError(backend.storeResult(multibyte), 'InvalidInput')
    const small = sampleMeta({ result: { state: 'SUCCESS', value: 'x'.repeat(300) } })
    await backend.storeResult(small)
    expect(await backend.getResult(small.taskId)).not.toBeNull()
  })

  it.each<[string, unknown]>([
    ['no object', null],
    ['an unknown state', { state: 'LOST' }],
    ['SUCCESS without a value', { state: 'SUCCESS' }],
    ['FAILURE without a message', { state: 'FAILURE' }],
    ['FAILURE with a numeric traceback', { state: 'FAILURE', message: 'm', traceback: 3 }],
    ['RETRY with negative retries', { state: 'RETRY', retries: -1 }],
    ['RETRY with fractional retries', { state: 'RETRY', retries: 0.5 }],
    ['REVOKED with a numeric reason', { state: 'REVOKED', reason: 5 }],
  ])('refuses a result with %s', async (_name, result) => {
    const { backend, keys } = isolated()
    await expectBackendError(
      backend.storeResult(sampleMeta({ result: result as TaskMeta['result'] })),
      'InvalidInput',
    )
    expect(await keys()).toEqual([])
  })

  it.each<[string, Partial<Record<keyof TaskMeta, unknown>>]>([
    ['an invalid createdAt', { createdAt: new Date(Number.NaN) }],
    ['a createdAt that is text', { createdAt: '2026-01-01' }],
    ['a numeric taskName', { taskName: 5 }],
    ['a numeric worker', { worker: 5 }],
  ])('refuses a meta with %s', async (_name, overrides) => {
    const { backend, keys } = isolated()
    await expectBackendError(backend.storeResult(sampleMeta(overrides as Partial<TaskMeta>)), 'InvalidInput')
    expect(await keys()).toEqual([])
  })

  it('refuses a meta that is not an object', async () => {
    const { backend } = isolated()
    await expectBackendError(backend.storeResult(null as unknown as TaskMeta), 'InvalidInput')
  })

  // JSON has no NaN, Infinity or BigInt: JSON.stringify writes null for the first two and throws a
  // TypeError for the last. Either way the caller must get a BackendError and nothing may be stored.
  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['NaN inside an object', { total: Number.NaN, ok: 1 }],
    ['a BigInt', 10n],
    ['a BigInt inside an array', [1, 2n]],
  ])('refuses a SUCCESS value with %s instead of storing something else', async (_name, value) => {
    const { backend, keys } = isolated()
    const meta = sampleMeta({ result: { state: 'SUCCESS', value: value as JsonValue } })
    const error = await failureOf(backend.storeResult(meta))
    expect(
      isBackendError(error, 'Serialization') || isBackendError(error, 'InvalidInput'),
      `storeResult rejected with ${String(error)}`,
    ).toBe(true)
    expect(await keys()).toEqual([])
  })
})
