import { setTimeout as delay } from 'node:timers/promises'

/**
 * Polls `condition` until it holds or `timeoutMs` passes; returns whether it held. This waits for
 * something observable (a TTL running out), never for a fixed time.
 */
export async function pollUntil(
  condition: () => Promise<boolean> | boolean,
  { timeoutMs = 5_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return true
    if (Date.now() >= deadline) return false
    await delay(intervalMs)
  }
}

export type Settled<T> =
  | { settled: true; status: 'fulfilled'; value: T; elapsedMs: number }
  | { settled: true; status: 'rejected'; error: unknown; elapsedMs: number }
  | { settled: false; elapsedMs: number }

/** Races `promise` against a timer (cleared afterwards), to prove an operation does not hang. */
export async function settleWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<Settled<T>> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>(resolve => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    const outcome = await Promise.race([
      promise.then(
        value => ({ status: 'fulfilled' as const, value }),
        (error: unknown) => ({ status: 'rejected' as const, error }),
      ),
      timeout,
    ])
    const elapsedMs = performance.now() - started
    // A still-running operation's eventual rejection is already handled by the `then` above.
    if (outcome === 'timeout') return { settled: false, elapsedMs }
    return outcome.status === 'fulfilled'
      ? { settled: true, status: 'fulfilled', value: outcome.value, elapsedMs }
      : { settled: true, status: 'rejected', error: outcome.error, elapsedMs }
  } finally {
    clearTimeout(timer)
  }
}
