import { isBackendError } from '../../src/backend/errors.ts'
import type { ErrorClass } from '../../src/history/operation-history.ts'

/**
 * Reads a backend error for the history: a `Connection` error (a timeout, a reset, the retry
 * limit) is `unknown`, since Redis may have applied the command or may apply its resend later;
 * anything else was refused and is `fail`. Errors that are not BackendErrors are `untyped`, which
 * the scenarios count as a defect of their own.
 */
export function classifyBackendError(error: unknown): ErrorClass {
  if (!isBackendError(error)) return { outcome: 'fail', kind: 'untyped' }
  return { outcome: error.kind === 'Connection' ? 'unknown' : 'fail', kind: error.kind }
}

/** Whether redelivering the task can help: not when the chord is gone or the input was refused. */
export function worthRedelivering(errorKind: string): boolean {
  return errorKind === 'Connection' || errorKind === 'Redis'
}
