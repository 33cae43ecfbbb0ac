import { BackendError } from './errors.ts'
import { isStorableTimestamp } from './timestamps.ts'
import type { TaskMeta } from './types.ts'

/** Longest task or chord id accepted; UUIDs are 36 characters, Celery ids are usually UUIDs. */
export const maxIdLength = 256
/** Largest TTL Redis accepts for `SET … EX`: it must fit in milliseconds in a signed 64-bit integer. */
export const maxTtlSeconds = Math.floor(Number.MAX_SAFE_INTEGER / 1000)

// Control characters and whitespace would make ids ambiguous in logs and keys; braces are refused
// because they would act as a Redis Cluster hash tag inside a key.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const forbiddenIdCharacters = /[\u0000-\u0020\u007f-\u009f{}]/

export function assertId(id: unknown, what: 'task id' | 'chord id'): asserts id is string {
  if (typeof id !== 'string')
    throw new BackendError('InvalidInput', `${what} must be a string, got ${typeof id}`)
  if (id.length === 0) throw new BackendError('InvalidInput', `${what} must not be empty`)
  if (id.length > maxIdLength) {
    throw new BackendError(
      'InvalidInput',
      `${what} is ${id.length} characters long; at most ${maxIdLength} are allowed`,
    )
  }
  const bad = forbiddenIdCharacters.exec(id)
  if (bad) {
    const code = bad[0].codePointAt(0)?.toString(16).padStart(4, '0')
    throw new BackendError(
      'InvalidInput',
      `${what} ${JSON.stringify(preview(id))} contains U+${code}; whitespace, control characters and braces are not allowed`,
    )
  }
}

export function assertTtlSeconds(seconds: unknown, what = 'ttlSeconds'): asserts seconds is number {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > maxTtlSeconds) {
    throw new BackendError(
      'InvalidInput',
      `${what} must be a whole number of seconds from 1 to ${maxTtlSeconds}, got ${describe(seconds)}`,
    )
  }
}

export function assertChordTotal(total: unknown): asserts total is number {
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 1) {
    throw new BackendError(
      'InvalidInput',
      `chord total must be a whole number of at least 1, got ${describe(total)}`,
    )
  }
}

export function assertPrefix(prefix: unknown, what: string): asserts prefix is string {
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > maxIdLength) {
    throw new BackendError(
      'InvalidInput',
      `${what} must be a non-empty string of at most ${maxIdLength} characters`,
    )
  }
  if (forbiddenIdCharacters.test(prefix)) {
    throw new BackendError(
      'InvalidInput',
      `${what} must not contain whitespace, control characters or braces`,
    )
  }
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : `${typeof value} ${JSON.stringify(value) ?? ''}`.trim()
}

function preview(id: string): string {
  return id.length > 40 ? `${id.slice(0, 40)}…` : id
}

const resultStates = new Set(['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'RETRY', 'REVOKED'])

/** Checks a TaskMeta from an untyped caller (JavaScript, JSON input) before anything is written. */
export function assertTaskMeta(meta: unknown): asserts meta is TaskMeta {
  if (typeof meta !== 'object' || meta === null)
    throw new BackendError('InvalidInput', 'task meta must be an object')
  const { taskId, taskName, result, createdAt, startedAt, completedAt, worker } = meta as Record<
    string,
    unknown
  >
  assertId(taskId, 'task id')
  const fail = (reason: string) => new BackendError('InvalidInput', `task meta of ${taskId}: ${reason}`)
  if (taskName !== null && typeof taskName !== 'string') throw fail('taskName must be a string or null')
  if (worker !== null && typeof worker !== 'string') throw fail('worker must be a string or null')
  for (const [name, value] of Object.entries({ createdAt, startedAt, completedAt })) {
    if (
      value !== null &&
      !(value instanceof Date && !Number.isNaN(value.getTime()) && isStorableTimestamp(value))
    ) {
      throw fail(`${name} must be a valid Date in the years 1 to 9999, or null`)
    }
  }
  if (typeof result !== 'object' || result === null) throw fail('result must be an object with a state')
  const { state } = result as { state?: unknown }
  if (typeof state !== 'string' || !resultStates.has(state))
    throw fail(`unknown result state ${JSON.stringify(state)}`)
  const fields = result as Record<string, unknown>
  const optionalText = (name: string) => fields[name] === undefined || typeof fields[name] === 'string'
  const valid =
    state === 'FAILURE'
      ? typeof fields.message === 'string' && ['excType', 'excModule', 'traceback'].every(optionalText)
      : state === 'RETRY'
        ? Number.isSafeInteger(fields.retries) && (fields.retries as number) >= 0 && optionalText('message')
        : state === 'REVOKED'
          ? optionalText('reason')
          : state !== 'SUCCESS' || 'value' in fields
  if (!valid) throw fail(`result fields do not fit state ${state}`)
}
