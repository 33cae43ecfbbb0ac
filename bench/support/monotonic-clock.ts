/**
 * Milliseconds on CLOCK_MONOTONIC, which every process on the machine shares (Python's
 * time.monotonic_ns reads the same clock), so times taken in several processes can be ordered
 * and subtracted. `performance.now()` cannot: it counts from each process's own start.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}
