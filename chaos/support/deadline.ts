/** Resolves with the promise's value, or with `timedOut` when `ms` pass first (the timer is cleared). */
export const timedOut = Symbol('timed out')

export async function withinDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<typeof timedOut>(resolve => {
    timer = setTimeout(() => resolve(timedOut), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}
