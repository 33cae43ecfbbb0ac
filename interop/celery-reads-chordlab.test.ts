import type { Redis } from 'ioredis'
import { beforeAll, expect, it, onTestFinished } from 'vitest'
import { type JsonValue, RedisResultBackend, type TaskMeta, type TaskResult } from '../src/index.ts'
import { openBackend, openRawClient } from '../test/support/clients.ts'
import { uniqueId } from '../test/support/meta.ts'
import { pollUntil } from '../test/support/wait.ts'
import {
  type CeleryReading,
  type CeleryView,
  readWithCelery,
  waitWithCelery,
} from './support/celery-scripts.ts'
import { useInteropEnvironment } from './support/environment.ts'
import { describeWithCelery } from './support/python.ts'

// Item 1: chordlab writes, Celery reads. chordlab stores one document per state; Celery's own
// client (AsyncResult, backend.get_task_meta, AsyncResult.get) reads them in one Python run.

const doneAt = new Date('2026-08-08T14:15:20.123Z')
const worker = 'chordlab@host-1'
const taskName = 'tasks.sample'

function metaWith(result: TaskResult): TaskMeta {
  const ready = result.state === 'SUCCESS' || result.state === 'FAILURE' || result.state === 'REVOKED'
  return {
    taskId: uniqueId(),
    taskName,
    result,
    createdAt: new Date('2026-08-08T14:15:18.001Z'),
    startedAt: result.state === 'PENDING' ? null : new Date('2026-08-08T14:15:19.250Z'),
    completedAt: ready ? doneAt : null,
    worker,
  }
}

const successValues: Array<[string, JsonValue]> = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['zero', 0],
  ['a negative integer', -17],
  ['the largest safe integer', 2 ** 53 - 1],
  ['a fraction', -0.25],
  ['a huge float', 1e300],
  ['an empty string', ''],
  ['non-ASCII text', 'ünïcødé ✓ 😀 ключ'],
  ['escapes', 'quote " backslash \\ newline \n tab \t nul \u0000'],
  ['an empty array', []],
  ['a mixed array', [1, 'two', null, [3, [4]], { five: 5 }]],
  ['an empty object', {}],
  ['a nested object', { nested: { list: [1, { deep: null }] }, ключ: 'значение', 'dotted.key': true }],
]

const successMetas = successValues.map(([label, value]) => ({
  label,
  value,
  meta: metaWith({ state: 'SUCCESS', value }),
}))
const traceback =
  'Traceback (most recent call last):\n  File "jobs.py", line 3, in run\n    raise ValueError("bad input")\nValueError: bad input\n'
const failures = {
  builtin: metaWith({
    state: 'FAILURE',
    message: 'bad input',
    excType: 'ValueError',
    excModule: 'builtins',
    traceback,
  }),
  unknownModule: metaWith({
    state: 'FAILURE',
    message: 'card declined',
    excType: 'PaymentDeclined',
    excModule: 'billing.errors',
  }),
  untyped: metaWith({ state: 'FAILURE', message: 'it broke' }),
  // Celery's own example of a forged result: a "class" that is a function that runs a command.
  notAnException: metaWith({ state: 'FAILURE', message: 'echo forged', excType: 'system', excModule: 'os' }),
}
const started = metaWith({ state: 'STARTED' })
const retry = metaWith({ state: 'RETRY', retries: 2, message: 'broker busy' })
const revoked = metaWith({ state: 'REVOKED', reason: 'terminated' })
const pending = metaWith({ state: 'PENDING' })
const neverStored = uniqueId('never-stored')
const allMetas = [
  ...successMetas.map(({ meta }) => meta),
  ...Object.values(failures),
  started,
  retry,
  revoked,
  pending,
]

const readyDate = { epochMs: doneAt.getTime(), hasOffset: true }

describeWithCelery('Celery reads what chordlab stores', () => {
  const env = useInteropEnvironment()
  let readings: Record<string, CeleryReading> = {}
  const readingOf = (taskId: string): CeleryReading => {
    const reading = readings[taskId]
    if (reading === undefined) throw new Error(`Celery reported nothing for ${taskId}`)
    return reading
  }
  const viewOf = (taskId: string): CeleryView => {
    const reading = readingOf(taskId)
    if ('error' in reading)
      throw new Error(`Celery could not read ${taskId}: ${JSON.stringify(reading.error)}`)
    return reading
  }

  beforeAll(async () => {
    await using backend = new RedisResultBackend(env.redisUrl(0))
    await backend.storeResults(allMetas)
    readings = (await readWithCelery(env.redisUrl(0), [...allMetas.map(meta => meta.taskId), neverStored]))
      .results
  })

  it.each(successMetas)('SUCCESS with $label: the same value from .result and .get()', ({ value, meta }) => {
    expect(viewOf(meta.taskId)).toEqual({
      state: 'SUCCESS',
      ready: true,
      successful: true,
      failed: false,
      result: { value },
      get: { value },
      traceback: null,
      dateDone: readyDate,
      name: taskName,
      worker,
      retries: null,
    })
  })

  it('FAILURE: Celery rebuilds the builtin exception class, with its args and the traceback', () => {
    const exception = { class: 'ValueError', module: 'builtins', args: ['bad input'], text: 'bad input' }
    expect(viewOf(failures.builtin.taskId)).toEqual({
      state: 'FAILURE',
      ready: true,
      successful: false,
      failed: true,
      result: { exception },
      get: { exception },
      traceback,
      dateDone: readyDate,
      name: taskName,
      worker,
      retries: null,
    })
  })

  it('FAILURE of a class Celery cannot import: it makes one of that name in celery.exceptions', () => {
    const view = viewOf(failures.unknownModule.taskId)
    const exception = {
      class: 'PaymentDeclined',
      module: 'celery.exceptions',
      args: ['card declined'],
      text: 'card declined',
    }
    expect(view).toMatchObject({ state: 'FAILURE', failed: true, result: { exception }, get: { exception } })
  })

  it('FAILURE without an exception type: chordlab writes builtins.Exception', () => {
    const exception = { class: 'Exception', module: 'builtins', args: ['it broke'], text: 'it broke' }
    expect(viewOf(failures.untyped.taskId)).toMatchObject({ state: 'FAILURE', result: { exception } })
  })

  it("differs: chordlab stores any exception type; Celery's reader refuses one that is not an exception class", () => {
    // Celery raises SecurityError rather than call os.system: a producer must only name real
    // exception classes, which chordlab cannot check from outside Python.
    expect(readingOf(failures.notAnException.taskId)).toMatchObject({ error: { class: 'SecurityError' } })
  })

  it('STARTED: not ready, no date_done, result {pid: null, hostname: worker}', () => {
    expect(viewOf(started.taskId)).toEqual({
      state: 'STARTED',
      ready: false,
      successful: false,
      failed: false,
      result: { value: { pid: null, hostname: worker } },
      traceback: null,
      dateDone: null,
      name: taskName,
      worker,
      retries: null,
    })
  })

  it('RETRY: Celery rebuilds celery.exceptions.Retry with the message, and reads retries', () => {
    const view = viewOf(retry.taskId)
    expect(view).toMatchObject({
      state: 'RETRY',
      ready: false,
      failed: false,
      traceback: null,
      dateDone: null,
      retries: 2,
      result: { exception: { class: 'Retry', module: 'celery.exceptions', text: 'broker busy' } },
    })
    expect(view.get).toBeUndefined()
  })

  it('REVOKED: ready, and .get() raises TaskRevokedError with the reason', () => {
    const exception = { class: 'TaskRevokedError', module: 'celery.exceptions', args: ['terminated'] }
    expect(viewOf(revoked.taskId)).toMatchObject({
      state: 'REVOKED',
      ready: true,
      failed: false,
      dateDone: readyDate,
      result: { exception },
      get: { exception },
    })
  })

  it('differs: a PENDING chordlab stored and no result at all look the same to Celery', async () => {
    // Celery reads a missing key as PENDING; chordlab keeps the two apart (a TaskMeta vs null).
    const stored = viewOf(pending.taskId)
    const missing = viewOf(neverStored)
    const essentials = (view: CeleryView) => ({ state: view.state, ready: view.ready, result: view.result })
    expect(essentials(stored)).toEqual({ state: 'PENDING', ready: false, result: { value: null } })
    expect(essentials(missing)).toEqual(essentials(stored))
    const backend = openBackend(env.redisUrl(0))
    expect((await backend.getResult(pending.taskId))?.result).toEqual({ state: 'PENDING' })
    expect(await backend.getResult(neverStored)).toBeNull()
  })

  it("differs: chordlab's created_at, started_at and completed_at are extra fields Celery ignores", async () => {
    const raw = openRawClient(env.redisUrl(0))
    const document = JSON.parse((await raw.get(`celery-task-meta-${failures.builtin.taskId}`)) ?? 'null')
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
    // The FAILURE test above is Celery reading this very document.
    expect(viewOf(failures.builtin.taskId).state).toBe('FAILURE')
  })
})

describeWithCelery('a Celery client blocked in AsyncResult.get() while chordlab stores the result', () => {
  const env = useInteropEnvironment()

  /**
   * Starts Celery's get() and returns once Celery has subscribed to the result's channel and then
   * read the key (still empty): from here on, only a PUBLISH can wake it. Celery's answer is
   * `finished`, wrapped so that awaiting this function does not wait for it.
   */
  async function celeryWaiting(
    taskId: string,
    timeoutSeconds: number,
  ): Promise<{ finished: ReturnType<typeof waitWithCelery> }> {
    const key = `celery-task-meta-${taskId}`
    const monitor: Redis = await openRawClient(env.redisUrl(0)).monitor()
    onTestFinished(() => {
      monitor.disconnect()
    })
    let subscribed = false
    let readAfterSubscribing = false
    monitor.on('monitor', (_time: string, args: string[]) => {
      const [command, first] = [args[0]?.toLowerCase(), args[1]]
      if (command === 'subscribe' && first === key) subscribed = true
      if (command === 'get' && first === key && subscribed) readAfterSubscribing = true
    })
    const finished = waitWithCelery(env.redisUrl(0), taskId, timeoutSeconds)
    const waiting = await pollUntil(() => readAfterSubscribing, { timeoutMs: 30_000 })
    if (!waiting) await finished // surfaces the script's own error, if it failed
    expect(waiting, 'Celery subscribed to the result channel and read the key').toBe(true)
    return { finished }
  }

  it('differs: without publishResults, Celery does not see the result before its timeout', async () => {
    const backend = openBackend(env.redisUrl(0))
    const result: TaskResult = { state: 'SUCCESS', value: 'stored while Celery waits' }
    const meta = metaWith(result)
    const { finished } = await celeryWaiting(meta.taskId, 5)
    await backend.storeResult(meta)
    const storedAt = Date.now()
    const waited = await finished
    expect(waited.outcome).toBe('timeout')
    // The result was in Redis before Celery gave up: Celery just never looked again.
    if (waited.outcome === 'timeout') expect(waited.gaveUpAtMs).toBeGreaterThan(storedAt)
    expect((await backend.getResult(meta.taskId))?.result).toEqual(result)
  })

  it.each(['storeResult', 'storeResults'] as const)(
    'with publishResults, %s wakes Celery with a PUBLISH and it returns the value',
    async operation => {
      const backend = openBackend(env.redisUrl(0), { publishResults: true })
      const value = { stored: 'while Celery waits', by: operation }
      const meta = metaWith({ state: 'SUCCESS', value })
      const { finished } = await celeryWaiting(meta.taskId, 20)
      if (operation === 'storeResult') await backend.storeResult(meta)
      else await backend.storeResults([metaWith({ state: 'STARTED' }), meta])
      expect(await finished).toMatchObject({ outcome: 'value', value })
    },
  )
})
