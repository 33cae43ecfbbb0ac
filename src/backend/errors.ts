import type { ChordProgress } from './types.ts'

/**
 * The one error type the backend throws. `kind` says what went wrong, so callers can branch
 * without parsing messages:
 * - `InvalidInput`: the caller's argument (URL, id, TTL, total, value size) was refused before
 *   anything reached Redis;
 * - `NotFound`: the key the operation needs does not exist (an unknown chord, an absent result);
 * - `Serialization`: what Redis holds (or what the caller gave) is not a document chordlab can read
 *   or write; the stored value is left untouched;
 * - `Connection`: Redis could not be reached, or the reply did not arrive in time. The command may
 *   or may not have been applied;
 * - `Redis`: Redis answered with an error;
 * - `Replication`: with `waitReplicas`, the write was applied on the primary but fewer replicas
 *   than required acknowledged it in time (always a {@link ReplicationError}, which says what the
 *   write did: a chord's `isLast` is not lost with it).
 */
export type BackendErrorKind =
  | 'Redis'
  | 'Serialization'
  | 'NotFound'
  | 'Connection'
  | 'InvalidInput'
  | 'Replication'

export class BackendError extends Error {
  override readonly name = 'BackendError'
  readonly kind: BackendErrorKind

  constructor(kind: BackendErrorKind, message: string, options?: { cause?: unknown }) {
    super(`${kind}: ${message}`, options)
    this.kind = kind
  }
}

/**
 * What a write did on the primary before its replication fell short: the operation and its
 * result, so a caller can still act on it (the call that completed a chord learns `isLast`).
 */
export type AppliedWrite =
  | { operation: 'storeResult' | 'storeResults' }
  | { operation: 'chordInit'; created: boolean }
  | { operation: 'chordCompleteTask'; progress: ChordProgress }

/**
 * A write that Redis applied on the primary, but that fewer than `required` replicas acknowledged
 * within `waitTimeoutMs` (WAIT). It is not lost yet: it is lost if the primary fails before a
 * replica copies it and a replica is promoted. Retrying is safe with the reference barrier.
 */
export class ReplicationError extends BackendError {
  declare readonly kind: 'Replication'
  /** Replicas that acknowledged (the fewest, for a batch spread over several primaries). */
  readonly acknowledged: number
  readonly required: number
  readonly applied: AppliedWrite

  constructor(message: string, details: { acknowledged: number; required: number; applied: AppliedWrite }) {
    super('Replication', message)
    this.acknowledged = details.acknowledged
    this.required = details.required
    this.applied = details.applied
  }
}

export function isBackendError(error: unknown, kind: 'Replication'): error is ReplicationError
export function isBackendError(error: unknown, kind?: BackendErrorKind): error is BackendError
export function isBackendError(error: unknown, kind?: BackendErrorKind): error is BackendError {
  return error instanceof BackendError && (kind === undefined || error.kind === kind)
}

/** ioredis signals a lost or unusable connection with these messages; Redis's own replies never match. */
const connectionFailurePatterns = [
  /Connection is closed/i,
  /max retries per request/i,
  /Command timed out/i,
  /Stream isn't writeable/i,
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ENOENT|EAI_AGAIN/,
  /socket/i,
  // The cluster client: no node reachable, or it kept being redirected until it gave up (the last
  // attempt may have reached a node, so the outcome is unknown).
  /None of startup nodes is available|Cluster isn't ready|Failed to refresh slots cache|Too many Cluster redirections/,
  /All sentinels are unreachable/,
]

/** The backend's Lua scripts report refusals as `CHORDLAB_<kind> <message>` error replies. */
const scriptErrorPattern = /^CHORDLAB_(NotFound|InvalidInput|Serialization) (.*)$/s

/**
 * Turns whatever ioredis rejected with into a BackendError. `context` names the operation and
 * the (password-free) target, since ioredis's own messages rarely say which server failed.
 */
export function toBackendError(error: unknown, context: string): BackendError {
  if (error instanceof BackendError) return error
  const message = error instanceof Error ? error.message : String(error)
  const scripted = scriptErrorPattern.exec(message)
  if (scripted?.[1] && scripted[2] !== undefined) {
    return new BackendError(scripted[1] as BackendErrorKind, `${context}: ${scripted[2]}`)
  }
  const isReply = error instanceof Error && error.name === 'ReplyError'
  const kind: BackendErrorKind =
    !isReply && connectionFailurePatterns.some(pattern => pattern.test(message)) ? 'Connection' : 'Redis'
  return new BackendError(kind, `${context}: ${message}`, { cause: scrubbed(error, message) })
}

/**
 * ioredis attaches the failed command, arguments included, to its errors; for AUTH that is the
 * password. The cause keeps only the name, message and code.
 */
function scrubbed(error: unknown, message: string): Error {
  const copy = new Error(message)
  if (error instanceof Error) {
    copy.name = error.name
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string') Object.assign(copy, { code })
  }
  return copy
}
