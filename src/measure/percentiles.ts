/**
 * Percentiles and summaries of retained samples. tinybench stops at p99.9 and reports run-level
 * throughput per sample, so the suites keep every sample and summarise them here, in one unit
 * chosen by the caller (chordlab's suites use microseconds).
 */

export interface SampleSummary {
  count: number
  mean: number
  min: number
  p50: number
  p75: number
  p99: number
  p999: number
  max: number
  /**
   * Relative margin of error of the mean at 95 % confidence, in percent: 1.96 × standard error
   * / mean. The normal approximation is fine for the thousands of samples a suite collects.
   */
  rmePercent: number
}

/** Percentiles drawn in the latency-distribution charts, dense in the tail. */
export const curvePercentiles: readonly number[] = [
  0, 10, 25, 50, 60, 70, 75, 80, 85, 90, 93, 95, 97, 98, 99, 99.3, 99.5, 99.7, 99.8, 99.9, 99.95, 99.99, 100,
]

const z95 = 1.96

/** Ascending copy: the caller's array is left as it is. */
export function sortedCopy(samples: readonly number[]): number[] {
  // A typed array sorts numerically (a plain array's default sort compares strings).
  return Array.from(Float64Array.from(samples).sort())
}

/**
 * The `percent`th percentile (0–100) of ascending samples, interpolating linearly between the two
 * closest ranks (the same rule as tinybench's quantileSorted, so both agree on the same samples).
 */
export function percentileOfSorted(sorted: readonly number[], percent: number): number {
  if (sorted.length === 0) throw new RangeError('no samples to take a percentile of')
  if (!(percent >= 0 && percent <= 100)) throw new RangeError(`percentile ${percent} is not within 0–100`)
  const position = (sorted.length - 1) * (percent / 100)
  const below = Math.floor(position)
  const above = Math.ceil(position)
  const low = sorted[below] as number
  const high = sorted[above] as number
  return low + (high - low) * (position - below)
}

export function summarizeSamples(samples: readonly number[]): SampleSummary {
  const sorted = sortedCopy(samples)
  const count = sorted.length
  if (count === 0) throw new RangeError('no samples to summarise')
  const mean = sorted.reduce((sum, value) => sum + value, 0) / count
  const variance = count > 1 ? sorted.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1) : 0
  const standardError = Math.sqrt(variance / count)
  return {
    count,
    mean,
    min: sorted[0] as number,
    p50: percentileOfSorted(sorted, 50),
    p75: percentileOfSorted(sorted, 75),
    p99: percentileOfSorted(sorted, 99),
    p999: percentileOfSorted(sorted, 99.9),
    max: sorted[count - 1] as number,
    rmePercent: mean === 0 ? 0 : ((z95 * standardError) / Math.abs(mean)) * 100,
  }
}

/** `[percent, value]` points of the distribution, for a percentile curve. */
export function percentileCurve(
  samples: readonly number[],
  percents: readonly number[] = curvePercentiles,
): Array<[percent: number, value: number]> {
  const sorted = sortedCopy(samples)
  return percents.map(percent => [percent, percentileOfSorted(sorted, percent)])
}

export function median(values: readonly number[]): number {
  return percentileOfSorted(sortedCopy(values), 50)
}
