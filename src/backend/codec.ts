import { BackendError } from './errors.ts'
import type { JsonValue } from './json.ts'
import { formatTimestamp, parseTimestamp } from './timestamps.ts'
import type { ChordState, TaskMeta, TaskResult, TaskState } from './types.ts'

/**
 * Task results are stored as Celery's own result document, so that Celery reads what chordlab
 * writes and the other way round:
 *
 *   {"status", "result", "traceback", "children", "date_done", "name", "worker", ["retries"],
 *    "created_at", "started_at", "completed_at", "task_id"}
 *
 * Celery's keys come first in Celery's order; `created_at`, `started_at` and `completed_at` are the
 * spec's TaskMeta fields, which Celery ignores. Exceptions use Celery's JSON shape
 * `{exc_type, exc_message: [args…], exc_module}`.
 */

const knownStates: ReadonlySet<string> = new Set<TaskState>([
  'PENDING',
  'STARTED',
  'SUCCESS',
  'FAILURE',
  'RETRY',
  'REVOKED',
])
/** Celery sets `date_done` only when a task is ready. */
const readyStates: ReadonlySet<TaskState> = new Set<TaskState>(['SUCCESS', 'FAILURE', 'REVOKED'])

interface CeleryException {
  exc_type: string
  exc_message: JsonValue[]
  exc_module: string
}

export function encodeTaskMeta(meta: TaskMeta): string {
  const { result } = meta
  if (result.state === 'SUCCESS') {
    const problem = nonJsonPart(result.value, 'value')
    if (problem) {
      throw new BackendError(
        'Serialization',
        `result of task ${meta.taskId} would not read back as stored: ${problem}`,
      )
    }
  }
  const document: Record<string, JsonValue> = {
    status: result.state,
    result: encodeResultField(meta),
    traceback: result.state === 'FAILURE' ? (result.traceback ?? null) : null,
    children: [],
    date_done: readyStates.has(result.state) && meta.completedAt ? formatTimestamp(meta.completedAt) : null,
    name: meta.taskName,
    worker: meta.worker,
  }
  if (result.state === 'RETRY') document.retries = result.retries
  document.created_at = timestampOrNull(meta.createdAt)
  document.started_at = timestampOrNull(meta.startedAt)
  document.completed_at = timestampOrNull(meta.completedAt)
  document.task_id = meta.taskId
  return JSON.stringify(document)
}

function encodeResultField(meta: TaskMeta): JsonValue {
  const { result } = meta
  switch (result.state) {
    case 'PENDING':
      return null
    case 'STARTED':
      return { pid: null, hostname: meta.worker }
    case 'SUCCESS':
      return result.value
    case 'FAILURE':
      return celeryException(result.excType ?? 'Exception', result.message, result.excModule ?? 'builtins')
    case 'RETRY':
      return celeryException('Retry', result.message ?? null, 'celery.exceptions')
    case 'REVOKED':
      return celeryException('TaskRevokedError', result.reason ?? null, 'celery.exceptions')
  }
}

/**
 * JSON.stringify silently turns NaN and Infinity into null, drops undefined, flattens a Date or a
 * Map, and throws a plain TypeError on a BigInt or a cycle. A value must come back as it was
 * stored, so any of those is refused, with the path to the offending part.
 */
function nonJsonPart(value: unknown, path: string, seen = new Set<object>()): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`
    case 'object': {
      if (value === null) return undefined
      if (seen.has(value)) return `${path} refers back to itself`
      const prototype = Object.getPrototypeOf(value)
      if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
        return `${path} is a ${value.constructor?.name ?? 'non-plain object'}, not plain JSON`
      }
      seen.add(value)
      for (const [key, item] of Object.entries(value)) {
        const problem = nonJsonPart(item, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, seen)
        if (problem) return problem
      }
      seen.delete(value)
      return undefined
    }
    default:
      return `${path} is ${typeof value === 'bigint' ? 'a BigInt' : typeof value}`
  }
}

function celeryException(type: string, message: string | null, module: string): { [key: string]: JsonValue } {
  const exception: CeleryException = {
    exc_type: type,
    exc_message: message === null ? [] : [message],
    exc_module: module,
  }
  return { ...exception }
}

function timestampOrNull(date: Date | null): string | null {
  return date ? formatTimestamp(date) : null
}

/**
 * Reads a stored document. Anything that is not a result document chordlab understands is a
 * `Serialization` error naming the key's task id; the caller's data in Redis is not touched.
 */
export function decodeTaskMeta(raw: string, taskId: string): TaskMeta {
  const document = parseObject(raw, `result of task ${taskId}`)
  const fail = (reason: string) => new BackendError('Serialization', `result of task ${taskId} ${reason}`)
  const status = document.status
  if (typeof status !== 'string') {
    const hint =
      'task_name' in document && 'result' in document ? ' (it looks like a celers-native document)' : ''
    throw fail(`has no "status" field${hint}; it is not a Celery result document`)
  }
  if (!knownStates.has(status)) throw fail(`has unsupported status ${JSON.stringify(status)}`)
  const storedId = document.task_id
  if (storedId !== undefined && storedId !== null && storedId !== taskId) {
    throw fail(`names another task (${JSON.stringify(storedId)})`)
  }
  const field = <T>(name: string, read: (value: unknown) => T | undefined): T | null => {
    const value = document[name]
    if (value === undefined || value === null) return null
    const decoded = read(value)
    if (decoded === undefined) throw fail(`has an invalid "${name}" field`)
    return decoded
  }
  const timestamp = (name: string) =>
    field(name, value => (typeof value === 'string' ? parseTimestamp(value) : undefined))
  const text = (name: string) => field(name, value => (typeof value === 'string' ? value : undefined))

  const result = decodeResult(status as TaskState, document, fail, text)
  const startedResult = document.result as { hostname?: unknown } | null
  const hostname =
    status === 'STARTED' && typeof startedResult?.hostname === 'string' ? startedResult.hostname : null
  return {
    taskId,
    taskName: text('name') ?? text('task_name'),
    result,
    createdAt: timestamp('created_at'),
    startedAt: timestamp('started_at'),
    completedAt: timestamp('completed_at') ?? timestamp('date_done'),
    worker: text('worker') ?? hostname,
  }
}

function decodeResult(
  state: TaskState,
  document: Record<string, unknown>,
  fail: (reason: string) => BackendError,
  text: (name: string) => string | null,
): TaskResult {
  const value = document.result
  switch (state) {
    case 'PENDING':
    case 'STARTED':
      return { state }
    case 'SUCCESS':
      return { state, value: value === undefined ? null : (value as JsonValue) }
    case 'FAILURE': {
      const exception = readException(value, fail)
      const traceback = text('traceback')
      return {
        state,
        message: exception.message ?? '',
        ...(exception.type === undefined ? {} : { excType: exception.type }),
        ...(exception.module === undefined ? {} : { excModule: exception.module }),
        ...(traceback === null ? {} : { traceback }),
      }
    }
    case 'RETRY': {
      const retries = document.retries ?? 0
      if (typeof retries !== 'number' || !Number.isSafeInteger(retries) || retries < 0) {
        throw fail('has an invalid "retries" field')
      }
      const { message } = readException(value, fail)
      return message === undefined ? { state, retries } : { state, retries, message }
    }
    case 'REVOKED': {
      const { message } = readException(value, fail)
      return message === undefined ? { state } : { state, reason: message }
    }
  }
}

interface ReadException {
  type?: string
  module?: string
  message?: string
}

/** Celery's exception shape; older writers stored a bare message string, and a missing one is allowed. */
function readException(value: unknown, fail: (reason: string) => BackendError): ReadException {
  if (value === null || value === undefined) return {}
  if (typeof value === 'string') return { message: value }
  if (typeof value !== 'object' || Array.isArray(value)) throw fail('has a "result" that is not an exception')
  const { exc_type: type, exc_module: module, exc_message: message } = value as Record<string, unknown>
  if (type !== undefined && typeof type !== 'string') throw fail('has an invalid "exc_type"')
  if (module !== undefined && typeof module !== 'string') throw fail('has an invalid "exc_module"')
  return {
    ...(type === undefined ? {} : { type }),
    ...(module === undefined ? {} : { module }),
    ...exceptionMessage(message),
  }
}

/** `exc_message` is the exception's args tuple; one string argument is the message itself. */
function exceptionMessage(args: unknown): { message?: string } {
  if (args === undefined || args === null) return {}
  if (typeof args === 'string') return { message: args }
  if (Array.isArray(args)) {
    if (args.length === 0) return {}
    if (args.length === 1 && typeof args[0] === 'string') return { message: args[0] }
  }
  return { message: JSON.stringify(args) }
}

/**
 * The chord state document keeps the spec's (celers') field names, so its Rust readers still parse
 * it. `completed` is written as 0 and never updated: the live count is the counter key.
 */
export function encodeChordState(state: Omit<ChordState, 'completed'>): string {
  return JSON.stringify({
    chord_id: state.chordId,
    total: state.total,
    completed: 0,
    callback: state.callback,
    task_ids: state.taskIds,
    created_at: formatTimestamp(state.createdAt),
    cancelled: false,
    retry_count: 0,
  })
}

export function decodeChordState(raw: string, chordId: string, completed: number): ChordState {
  const document = parseObject(raw, `state of chord ${chordId}`)
  const fail = (reason: string) => new BackendError('Serialization', `state of chord ${chordId} ${reason}`)
  const { total, callback, task_ids: taskIds, created_at: createdAt } = document
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 1)
    throw fail('has an invalid "total"')
  if (callback !== undefined && callback !== null && typeof callback !== 'string')
    throw fail('has an invalid "callback"')
  if (taskIds !== undefined && !(Array.isArray(taskIds) && taskIds.every(id => typeof id === 'string'))) {
    throw fail('has an invalid "task_ids"')
  }
  const created = typeof createdAt === 'string' ? parseTimestamp(createdAt) : undefined
  if (!created) throw fail('has an invalid "created_at"')
  return {
    chordId,
    total,
    completed,
    callback: callback ?? null,
    taskIds: (taskIds as string[] | undefined) ?? [],
    createdAt: created,
  }
}

function parseObject(raw: string, what: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    const start = raw.slice(0, 16).replace(/[^\x20-\x7e]/g, '?')
    throw new BackendError('Serialization', `${what} is not JSON (it starts with ${JSON.stringify(start)})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BackendError('Serialization', `${what} is JSON but not an object`)
  }
  return parsed as Record<string, unknown>
}
