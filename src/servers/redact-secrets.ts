import { escapeConfString } from './redis-conf.ts'

const redactedMarker = '[redacted]'

/**
 * Replaces every password in `text` (as given, and as redis.conf spells it, since Redis quotes the
 * offending config line when it refuses to start) with a marker, so that no error message we build
 * from Redis's own output can leak one.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const spellings = secrets
    .filter(secret => secret !== '')
    .flatMap(secret => [secret, escapeConfString(secret)])
    // Longest first, so that a password containing another one is replaced whole.
    .sort((a, b) => b.length - a.length)
  return spellings.reduce((redacted, spelling) => redacted.split(spelling).join(redactedMarker), text)
}
