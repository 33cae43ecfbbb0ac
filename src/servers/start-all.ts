/**
 * Starts `count` processes at once; when any fails to start, stops those that did and throws the
 * first failure, so a half-started topology never leaks processes.
 */
export async function startAll<T extends { stop(): Promise<void> }>(
  count: number,
  start: (index: number) => Promise<T>,
): Promise<T[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, index) => start(index)))
  const started = settled.flatMap(result => (result.status === 'fulfilled' ? [result.value] : []))
  const failure = settled.find(result => result.status === 'rejected')
  if (failure === undefined) return started
  await Promise.all(started.map(process => process.stop()))
  throw failure.reason
}

/** Runs `body` with `servers`, and stops them all when it throws. */
export async function stopAllOnFailure<T>(
  servers: ReadonlyArray<{ stop(): Promise<void> }>,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body()
  } catch (error) {
    await Promise.all(servers.map(server => server.stop()))
    throw error
  }
}
