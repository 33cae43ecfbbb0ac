import { describe, expect, it, onTestFinished } from 'vitest'
import { openBackend, openRawClient } from './support/clients.ts'
import { expectBackendError } from './support/errors.ts'
import { comparable, sampleMeta, uniqueId, uniqueNamespace } from './support/meta.ts'
import { useSuiteRedis } from './support/suite-redis.ts'
import { pollUntil } from './support/wait.ts'

const redis = useSuiteRedis()

describe('storeResult / getResult / deleteResult / setExpiration', () => {
  it('reads back what it stored', async () => {
    const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
    const meta = sampleMeta()
    await backend.storeResult(meta)
    expect(comparable(await backend.getResult(meta.taskId))).toEqual(comparable(meta))
  })

  it('replaces a stored result', async () => {
    const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
    const started = sampleMeta({ result: { state: 'STARTED' }, completedAt: null })
    await backend.storeResult(started)
    const done = { ...started, result: { state: 'SUCCESS' as const, value: 'done' }, completedAt: new Date() }
    await backend.storeResult(done)
    expect(comparable(await backend.getResult(started.taskId))).toEqual(comparable(done))
  })

  it('returns null for an id that was never stored', async () => {
    const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
    expect(await backend.getResult(uniqueId())).toBeNull()
  })

  it('deleteResult removes the result and says whether there was one', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    await backend.storeResult(meta)
    expect(await backend.deleteResult(meta.taskId)).toBe(true)
    expect(await backend.getResult(meta.taskId)).toBeNull()
    expect(await raw.exists(`${namespace}celery-task-meta-${meta.taskId}`)).toBe(0)
    expect(await backend.deleteResult(meta.taskId)).toBe(false)
    expect(await backend.deleteResult(uniqueId())).toBe(false)
  })

  it("stores Celery's result document under celery-task-meta-{id}", async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta({ result: { state: 'SUCCESS', value: [1, 2, 3] } })
    await backend.storeResult(meta)
    const stored = await raw.get(`${namespace}celery-task-meta-${meta.taskId}`)
    expect(stored).not.toBeNull()
    const document = JSON.parse(stored ?? 'null') as Record<string, unknown>
    expect(Object.keys(document)).toEqual([
      'status',
      'result',
      'traceback',
      'children',
      'date_done',
      'name',
      'worker',
      'created_at',
      'started_at',
      'completed_at',
      'task_id',
    ])
    expect(document).toMatchObject({
      status: 'SUCCESS',
      result: [1, 2, 3],
      traceback: null,
      children: [],
      date_done: '2026-08-08T14:15:20.123000+00:00',
      task_id: meta.taskId,
    })
  })

  it('setExpiration sets the remaining lifetime of a stored result', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace, resultTtlSeconds: null })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    const key = `${namespace}celery-task-meta-${meta.taskId}`
    await backend.storeResult(meta)
    expect(await raw.ttl(key)).toBe(-1)
    await backend.setExpiration(meta.taskId, 30)
    const ttl = await raw.ttl(key)
    expect(ttl).toBeGreaterThan(25)
    expect(ttl).toBeLessThanOrEqual(30)
  })

  it('setExpiration on a missing result is NotFound, and creates nothing', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const taskId = uniqueId()
    const error = await expectBackendError(backend.setExpiration(taskId, 60), 'NotFound')
    expect(error.message).toContain(taskId)
    expect(await raw.exists(`${namespace}celery-task-meta-${taskId}`)).toBe(0)
  })
})

describe('result TTLs', () => {
  it('expires results after 86400 s by default', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    await backend.storeResult(meta)
    const ttl = await raw.ttl(`${namespace}celery-task-meta-${meta.taskId}`)
    expect(ttl).toBeGreaterThanOrEqual(86_390)
    expect(ttl).toBeLessThanOrEqual(86_400)
  })

  it('uses the ttlSeconds of one call over the default', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    await backend.storeResult(meta, { ttlSeconds: 5 })
    const ttl = await raw.ttl(`${namespace}celery-task-meta-${meta.taskId}`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(5)
  })

  it('uses the resultTtlSeconds option', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace, resultTtlSeconds: 120 })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    await backend.storeResult(meta)
    const ttl = await raw.ttl(`${namespace}celery-task-meta-${meta.taskId}`)
    expect(ttl).toBeGreaterThan(110)
    expect(ttl).toBeLessThanOrEqual(120)
  })

  it('keeps results forever with resultTtlSeconds: null', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace, resultTtlSeconds: null })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    await backend.storeResult(meta)
    expect(await raw.ttl(`${namespace}celery-task-meta-${meta.taskId}`)).toBe(-1)
  })

  it('replacing a result with a TTL resets the TTL', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    const key = `${namespace}celery-task-meta-${meta.taskId}`
    await backend.storeResult(meta, { ttlSeconds: 5 })
    await backend.storeResult(meta, { ttlSeconds: 500 })
    expect(await raw.ttl(key)).toBeGreaterThan(490)
  })

  it.each([
    ['the default TTL', undefined, '86400'],
    ['an explicit TTL', 30, '30'],
  ])('stores a result with %s in one SET … EX command', async (_name, ttlSeconds, expectedTtl) => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const raw = openRawClient(redis.url())
    const meta = sampleMeta()
    const key = `${namespace}celery-task-meta-${meta.taskId}`
    const sentinel = `${namespace}sentinel`

    // MONITOR shows every command the server runs, in order; the sentinel GET marks the end.
    const monitor = await openRawClient(redis.url()).monitor()
    onTestFinished(() => {
      monitor.disconnect()
    })
    const seen: string[][] = []
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some(arg => arg.includes(namespace))) seen.push(args)
    })
    await backend.storeResult(meta, ttlSeconds === undefined ? {} : { ttlSeconds })
    await raw.get(sentinel)
    expect(await pollUntil(() => seen.some(args => args.includes(sentinel)))).toBe(true)

    const commands = seen.filter(args => !args.includes(sentinel))
    expect(commands).toHaveLength(1)
    const [command, commandKey, value, ...rest] = commands[0] ?? []
    expect(command?.toLowerCase()).toBe('set')
    expect(commandKey).toBe(key)
    expect(JSON.parse(value ?? 'null')).toMatchObject({ status: 'SUCCESS', task_id: meta.taskId })
    expect(rest.map(arg => arg.toLowerCase())).toEqual(['ex', expectedTtl])
  })

  it('a result stored with a 1 s TTL disappears', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace })
    const meta = sampleMeta()
    await backend.storeResult(meta, { ttlSeconds: 1 })
    expect(await backend.getResult(meta.taskId)).not.toBeNull()
    expect(await pollUntil(async () => (await backend.getResult(meta.taskId)) === null)).toBe(true)
  })

  it('a result given a 1 s lifetime by setExpiration disappears', async () => {
    const namespace = uniqueNamespace()
    const backend = openBackend(redis.url(), { namespace, resultTtlSeconds: null })
    const meta = sampleMeta()
    await backend.storeResult(meta)
    await backend.setExpiration(meta.taskId, 1)
    expect(await pollUntil(async () => (await backend.getResult(meta.taskId)) === null)).toBe(true)
  })
})
