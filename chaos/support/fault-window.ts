import { setTimeout as delay } from 'node:timers/promises'

const pollIntervalMs = 20

/**
 * How long a fault stays in place: at least `minMs` (so it overlaps completions in flight), then
 * until `until()` holds (the fault has visibly hit, e.g. a call ended unknown), at most `maxMs`.
 * Resolves whether `until` held; a fault that never hit shows up in the report, not as a hang.
 */
export async function holdFault(window: {
  minMs: number
  maxMs: number
  until?: () => boolean
}): Promise<boolean> {
  const started = performance.now()
  await delay(window.minMs)
  const until = window.until ?? (() => true)
  while (!until()) {
    if (performance.now() - started >= window.maxMs) return false
    await delay(pollIntervalMs)
  }
  return true
}
