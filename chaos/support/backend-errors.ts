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
  // A Replication error (waitReplicas) was applied on the primary but not confirmed on replicas:
  // a failover may still lose it, so it is unknown too.
  const unknown = error.kind === 'Connection' || error.kind === 'Replication'
  return { outcome: unknown ? 'unknown' : 'fail', kind: error.kind }
}

/** Whether redelivering the task can help: not when the chord is gone or the input was refused. */
export function worthRedelivering(errorKind: string): boolean {
  return errorKind === 'Connection' || errorKind === 'Redis' || errorKind === 'Replication'
}
