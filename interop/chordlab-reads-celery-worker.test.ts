import { beforeAll, describe, expect, it } from 'vitest'
import type { JsonValue, TaskMeta } from '../src/index.ts'
import { openBackend, openRawClient } from '../test/support/clients.ts'
import { comparable } from '../test/support/meta.ts'
import { pollUntil } from '../test/support/wait.ts'
import {
  type CeleryReading,
  readWithCelery,
  runWorkerTasks,
  type WorkerTask,
} from './support/celery-scripts.ts'
import { useInteropEnvironment } from './support/environment.ts'
import { describeWithCelery } from './support/python.ts'

// Item 2: Celery writes, chordlab reads. A real `celery worker` runs real tasks (one worker per
// app configuration: result_extended off and on, each on its own Redis database) and chordlab's
// getResult must map every stored document to the right TaskMeta. Celery's own reading of the
// same documents (AsyncResult) supplies the dates, so both sides parse the same `date_done`.

const successValues: JsonValue[] = [42, 'text ✓', null, [1, [2, { three: 3 }]], { a: { b: [true, false] } }]

const configurations = [
  { name: 'plain', extended: false, db: 1 },
  { name: 'extended', extended: true, db: 2 },
] as const

describeWithCelery('chordlab reads what a real Celery worker stores', () => {
  const env = useInteropEnvironment(configurations)

  describe.each(configurations)('result_extended $extended', configuration => {
    let tasks: WorkerTask[] = []
    let releaseKey = ''
    let readings: Record<string, CeleryReading> = {}
    const url = () => env.redisUrl(configuration.db)
    const worker = () => env.worker(configuration.name)

    beforeAll(async () => {
      const run = await runWorkerTasks({
        redisUrl: url(),
        queue: worker().queue,
        worker: worker().nodeName,
        keyPrefix: `interop:${configuration.name}:`,
        successValues,
      })
      tasks = run.tasks
      releaseKey = run.releaseKey
      readings = (
        await readWithCelery(
          url(),
          tasks.map(task => task.taskId),
        )
      ).results
    }, 90_000)

    const task = (scenario: string): { taskId: string; document: Record<string, unknown> } => {
      const found = tasks.find(candidate => candidate.scenario === scenario)
      if (found === undefined) throw new Error(`the worker ran no ${scenario} task`)
      return { taskId: found.taskId, document: JSON.parse(found.document) as Record<string, unknown> }
    }
    /** `date_done` as Celery itself parsed it, in epoch ms; null when Celery stored none. */
    const celeryDateDone = (taskId: string): number | null => {
      const reading = readings[taskId]
      if (reading === undefined || 'error' in reading) {
        throw new Error(`Celery could not read its own result ${taskId}: ${JSON.stringify(reading)}`)
      }
      return reading.dateDone?.epochMs ?? null
    }
    /** What TaskMeta says about the task's name and worker, which only result_extended stores. */
    const extendedFields = (name: string) =>
      configuration.extended
        ? { taskName: name, worker: worker().nodeName }
        : { taskName: null, worker: null }

    async function chordlabReads(taskId: string): Promise<TaskMeta> {
      const meta = await openBackend(url()).getResult(taskId)
      if (meta === null) throw new Error(`chordlab found no result for ${taskId}`)
      return meta
    }

    it.each(successValues.map((value, index) => ({ value, index })))(
      'SUCCESS $index: the value, date_done as completedAt',
      async ({ value, index }) => {
        const { taskId } = task(`success-${index}`)
        expect(comparable(await chordlabReads(taskId))).toEqual({
          taskId,
          ...extendedFields('interop.echo'),
          result: { state: 'SUCCESS', value },
          createdAt: null,
          startedAt: null,
          completedAt: celeryDateDone(taskId),
        })
        expect(celeryDateDone(taskId)).not.toBeNull()
      },
    )

    it('FAILURE: message, exception class and module, the traceback as Celery stored it', async () => {
      const { taskId, document } = task('failure')
      const meta = await chordlabReads(taskId)
      expect(comparable(meta)).toEqual({
        taskId,
        ...extendedFields('interop.fail'),
        result: {
          state: 'FAILURE',
          message: 'bad input',
          excType: 'ValueError',
          excModule: 'builtins',
          traceback: document.traceback,
        },
        createdAt: null,
        startedAt: null,
        completedAt: celeryDateDone(taskId),
      })
      expect(document.traceback).toMatch(
        /^Traceback \(most recent call last\):\n[\s\S]*\nValueError: bad input\n$/,
      )
    })

    it("FAILURE of the app's own exception with two args: the args as JSON text", async () => {
      const { taskId } = task('failure-custom')
      expect((await chordlabReads(taskId)).result).toMatchObject({
        state: 'FAILURE',
        message: '["card declined",402]',
        excType: 'InteropError',
        excModule: 'interop_app',
      })
    })

    it('RETRY: the reason; retries from the document, which only result_extended stores', async () => {
      const { taskId, document } = task('retry')
      expect('retries' in document).toBe(configuration.extended)
      expect(comparable(await chordlabReads(taskId))).toEqual({
        taskId,
        ...extendedFields('interop.retry_twice'),
        result: { state: 'RETRY', retries: configuration.extended ? 1 : 0, message: 'attempt 2 failed' },
        createdAt: null,
        startedAt: null,
        completedAt: null,
      })
    })

    it('REVOKED: the reason Celery gives, date_done as completedAt', async () => {
      const { taskId } = task('revoked')
      expect(comparable(await chordlabReads(taskId))).toEqual({
        taskId,
        ...extendedFields('interop.echo'),
        result: { state: 'REVOKED', reason: 'revoked' },
        createdAt: null,
        startedAt: null,
        completedAt: celeryDateDone(taskId),
      })
    })

    it('STARTED: the worker from the {pid, hostname} result; then SUCCESS once released', async () => {
      const { taskId } = task('started')
      expect(comparable(await chordlabReads(taskId))).toEqual({
        taskId,
        taskName: configuration.extended ? 'interop.wait_for_key' : null,
        result: { state: 'STARTED' },
        createdAt: null,
        startedAt: null,
        completedAt: null,
        worker: worker().nodeName,
      })
      await openRawClient(url()).set(releaseKey, '1')
      const backend = openBackend(url())
      const finished = await pollUntil(
        async () => (await backend.getResult(taskId))?.result.state === 'SUCCESS',
        { timeoutMs: 20_000 },
      )
      expect(finished, worker().logTail()).toBe(true)
      expect((await backend.getResult(taskId))?.result).toEqual({ state: 'SUCCESS', value: 'released' })
    })

    it("differs: result_extended's args, kwargs and queue have no place in TaskMeta", () => {
      const { document } = task('success-0')
      const extendedKeys = ['name', 'args', 'kwargs', 'worker', 'retries', 'queue']
      for (const key of extendedKeys) expect(key in document, key).toBe(configuration.extended)
    })
  })
})
