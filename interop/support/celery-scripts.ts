import type { JsonValue } from '../../src/index.ts'
import { runPythonScript } from './python.ts'

/**
 * One typed function per script in interop/python. The scripts bound their own waits with
 * `waitSeconds`; the runner's timeout is the backstop above it.
 */

/** An exception as the scripts describe it: the class Celery rebuilt (or raised), its args and str(). */
export interface CeleryException {
  class: string
  module: string
  args: JsonValue[]
  text: string
}

/** How the scripts describe what Celery returned: a value, or the exception class Celery rebuilt. */
export type CeleryOutcome = { value: JsonValue } | { exception: CeleryException }

/** What Celery's AsyncResult says about one task id (read_with_celery.py). */
export interface CeleryView {
  state: string
  ready: boolean
  successful: boolean
  failed: boolean
  result: CeleryOutcome
  traceback: string | null
  /** `date_done` as Celery parsed it; a date without an offset counts as UTC. */
  dateDone: { epochMs: number; hasOffset: boolean } | null
  name: string | null
  worker: string | null
  retries: number | null
  /** Ready tasks only: what AsyncResult.get() returned or raised. */
  get?: CeleryOutcome
}

/** Celery's view of a task, or the error Celery raised when it could not read the document at all. */
export type CeleryReading = CeleryView | { error: CeleryException }

interface Versioned {
  celeryVersion: string
}

const waitSeconds = 20
const backstopMs = (waitSeconds + 20) * 1_000

export async function readWithCelery(
  redisUrl: string,
  taskIds: readonly string[],
): Promise<Versioned & { results: Record<string, CeleryReading> }> {
  const output = await runPythonScript('read_with_celery.py', { redisUrl, taskIds, getTimeoutSeconds: 5 })
  return output as Versioned & { results: Record<string, CeleryReading> }
}

export type WaitOutcome = { outcome: 'value'; value: JsonValue } | { outcome: 'timeout'; gaveUpAtMs: number }

/** Celery's client blocked in AsyncResult.get(timeout) for `taskId` (wait_with_celery.py). */
export async function waitWithCelery(
  redisUrl: string,
  taskId: string,
  timeoutSeconds: number,
): Promise<Versioned & WaitOutcome> {
  const output = await runPythonScript(
    'wait_with_celery.py',
    { redisUrl, taskId, timeoutSeconds },
    (timeoutSeconds + 20) * 1_000,
  )
  return output as Versioned & WaitOutcome
}

export interface CeleryStore {
  /** The key Celery's backend names for the task. */
  key: string
  /** The TTL Celery passes to SETEX; null means a plain SET. */
  expires: number | null
  /** `app.conf.result_expires` in seconds. */
  resultExpiresSeconds: number | null
}

/** Celery's backend stores one result itself (store_with_celery.py); `config` goes into app.conf. */
export async function storeWithCelery(
  redisUrl: string,
  write: { taskId: string; state: 'SUCCESS' | 'FAILURE'; value: JsonValue },
  config: Record<string, JsonValue> = {},
): Promise<Versioned & CeleryStore> {
  const output = await runPythonScript('store_with_celery.py', { redisUrl, ...write, config })
  return output as Versioned & CeleryStore
}

export interface WorkerTask {
  scenario: string
  taskId: string
  /** The raw document Celery stored when the scenario reached its state. */
  document: string
}

/**
 * Sends the item-2 scenarios to a running worker (run_worker_tasks.py): one task per value in
 * `successValues`, two failures, a retry, a revoke, and a STARTED task that keeps the worker busy
 * until `releaseKey` is set.
 */
export async function runWorkerTasks(input: {
  redisUrl: string
  queue: string
  worker: string
  keyPrefix: string
  successValues: JsonValue[]
}): Promise<Versioned & { tasks: WorkerTask[]; releaseKey: string }> {
  const output = await runPythonScript('run_worker_tasks.py', { ...input, waitSeconds }, backstopMs)
  return output as Versioned & { tasks: WorkerTask[]; releaseKey: string }
}

export interface CeleryChordStarted {
  groupId: string
  headerIds: string[]
  bodyId: string
  sizeKey: string
  joinKey: string
  /** Members of Celery's join set when the script returned (2: the third task is still running). */
  joined: number
}

/** Starts a real Celery chord and returns while its barrier is two thirds full (start_celery_chord.py). */
export async function startCeleryChord(input: {
  redisUrl: string
  queue: string
  releaseKey: string
  runsKey: string
}): Promise<Versioned & CeleryChordStarted> {
  const output = await runPythonScript('start_celery_chord.py', { ...input, waitSeconds }, backstopMs)
  return output as Versioned & CeleryChordStarted
}
