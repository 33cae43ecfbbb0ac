import { setTimeout as delay } from 'node:timers/promises'

/** One look at a condition: met (with what it found), or not yet (with what it saw instead). */
export type Probe<T> = { met: true; value: T } | { met: false; seen: string }

const pollIntervalMs = 50

/**
 * Polls `probe` until the condition is met or `timeoutMs` passes, then throws an error naming
 * `what` and the last thing the probe saw. A probe that throws (a node still down) counts as not met.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<Probe<T>>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  const maxProbes = Math.ceil(timeoutMs / pollIntervalMs) + 1
  let seen = 'nothing yet'
  for (let attempt = 0; attempt < maxProbes; attempt++) {
    try {
      const result = await probe()
      if (result.met) return result.value
      seen = result.seen
    } catch (error) {
      seen = error instanceof Error ? error.message : String(error)
    }
    if (Date.now() >= deadline) break
    await delay(pollIntervalMs)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`)
}
