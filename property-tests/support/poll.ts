import { setTimeout as delay } from 'node:timers/promises'

/**
 * Polls `condition` until it holds or `timeoutMs` passes; returns whether it held. For waiting on
 * something observable (keys expiring, a server answering), never as a fixed sleep.
 */
export async function pollUntil(
  condition: () => Promise<boolean>,
  { timeoutMs, intervalMs = 5 }: { timeoutMs: number; intervalMs?: number },
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return true
    if (Date.now() >= deadline) return false
    await delay(intervalMs)
  }
}
