import { performance } from 'node:perf_hooks'

export interface RateRoundOptions {
  /** Steps start until this much time has passed; the ones in flight then finish and count. */
  timeMs: number
  /** Loops running steps at once, each starting its next step when its last one finished. @default 1 */
  inFlight?: number
}

export interface RateRound {
  /** Units of work done (what the steps returned, summed): results stored, chords completed, … */
  units: number
  /** From the first step's start to the last step's end, in milliseconds. */
  wallMs: number
  perSecond: number
}

/**
 * Throughput over wall time: `inFlight` loops call `step` back to back until the time is up, and
 * the round's rate is the units all steps reported divided by the round's wall time. A step that
 * throws fails the round.
 */
export async function measureRateRound(
  step: () => Promise<number>,
  options: RateRoundOptions,
): Promise<RateRound> {
  const inFlight = options.inFlight ?? 1
  if (!Number.isSafeInteger(inFlight) || inFlight < 1) {
    throw new RangeError(`inFlight must be a whole number >= 1, got ${inFlight}`)
  }
  let units = 0
  const started = performance.now()
  const deadline = started + options.timeMs
  const loop = async () => {
    while (performance.now() < deadline) {
      // Not `units += await step()`: that reads `units` before the await and loses the other loops' counts.
      const done = await step()
      units += done
    }
  }
  await Promise.all(Array.from({ length: inFlight }, loop))
  const wallMs = performance.now() - started
  return { units, wallMs, perSecond: wallMs > 0 ? units / (wallMs / 1000) : 0 }
}
