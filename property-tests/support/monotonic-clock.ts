/**
 * Milliseconds on CLOCK_MONOTONIC (process.hrtime), which every process on the machine shares, so
 * times taken in different worker processes can be compared ("did this call start before that
 * reply?"). performance.now() cannot: each process counts from its own start.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}
