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
 * - `Redis`: Redis answered with an error.
 */
export type BackendErrorKind = 'Redis' | 'Serialization' | 'NotFound' | 'Connection' | 'InvalidInput'

export class BackendError extends Error {
  override readonly name = 'BackendError'
  readonly kind: BackendErrorKind

  constructor(kind: BackendErrorKind, message: string, options?: { cause?: unknown }) {
    super(`${kind}: ${message}`, options)
    this.kind = kind
  }
}

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
