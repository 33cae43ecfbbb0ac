import * as hdr from 'hdr-histogram-js'
import type { SampleSummary } from './percentiles.ts'

/** A histogram has no per-sample spread to give a margin of error from; otherwise the same summary. */
export type HistogramSummaryUs = Omit<SampleSummary, 'rmePercent'>

/**
 * Latencies recorded as whole microseconds in an HDR histogram (3 significant digits). autocannon's
 * own histogram records whole milliseconds, so every loopback percentile reads 0 there; feed this
 * one from its `response` event instead. Floats are rounded here because hdr-histogram-js would
 * truncate them.
 */
export class MicrosecondHistogram {
  readonly #histogram = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 })

  recordMs(milliseconds: number): void {
    this.#histogram.recordValue(Math.max(0, Math.round(milliseconds * 1000)))
  }

  get count(): number {
    return this.#histogram.totalCount
  }

  /** The value at `percent` (0–100), in µs. */
  percentile(percent: number): number {
    return this.#histogram.getValueAtPercentile(percent)
  }

  summary(): HistogramSummaryUs {
    const histogram = this.#histogram
    return {
      count: histogram.totalCount,
      mean: histogram.mean,
      min: histogram.totalCount === 0 ? 0 : histogram.minNonZeroValue,
      p50: histogram.getValueAtPercentile(50),
      p75: histogram.getValueAtPercentile(75),
      p99: histogram.getValueAtPercentile(99),
      p999: histogram.getValueAtPercentile(99.9),
      max: histogram.maxValue,
    }
  }
}
