import { Bench } from 'tinybench'
import { describe, expect, test } from 'vitest'
import { MicrosecondHistogram } from '../src/measure/microsecond-histogram.ts'
import { median, percentileCurve, percentileOfSorted, summarizeSamples } from '../src/measure/percentiles.ts'

describe('percentiles of retained samples', () => {
  test('interpolate linearly between the closest ranks', () => {
    const sorted = [10, 20, 30, 40, 50]
    expect(percentileOfSorted(sorted, 0)).toBe(10)
    expect(percentileOfSorted(sorted, 50)).toBe(30)
    expect(percentileOfSorted(sorted, 75)).toBe(40)
    expect(percentileOfSorted(sorted, 10)).toBeCloseTo(14)
    expect(percentileOfSorted(sorted, 99)).toBeCloseTo(49.6)
    expect(percentileOfSorted(sorted, 100)).toBe(50)
  })

  test('p99.9 of 1..1000 lies between the two top-most ranks', () => {
    const sorted = Array.from({ length: 1_000 }, (_, index) => index + 1)
    expect(percentileOfSorted(sorted, 99.9)).toBeCloseTo(999.001)
    expect(percentileOfSorted(sorted, 50)).toBeCloseTo(500.5)
  })

  test('summarise unsorted samples without touching them', () => {
    const samples = [5, 1, 4, 2, 3]
    const summary = summarizeSamples(samples)
    expect(samples).toEqual([5, 1, 4, 2, 3])
    expect(summary).toMatchObject({ count: 5, mean: 3, min: 1, p50: 3, p75: 4, max: 5 })
    // sd = sqrt(2.5); rme = 1.96 × sd / sqrt(5) / mean × 100
    expect(summary.rmePercent).toBeCloseTo(((1.96 * Math.sqrt(2.5)) / Math.sqrt(5) / 3) * 100)
  })

  test('sort numerically, not as text', () => {
    expect(median([100, 9, 20])).toBe(20)
    expect(percentileCurve([3, 1, 2], [0, 100])).toEqual([
      [0, 1],
      [100, 3],
    ])
  })

  test('refuse empty samples and percentiles outside 0–100', () => {
    expect(() => summarizeSamples([])).toThrow(RangeError)
    expect(() => percentileOfSorted([1], 101)).toThrow(RangeError)
  })

  test("agree with tinybench's own percentiles on the same samples", async () => {
    const bench = new Bench({ time: 20, iterations: 200, warmup: false, retainSamples: true, throws: true })
    bench.add('work', () => {
      let total = 0
      for (let index = 0; index < 2_000; index += 1) total += Math.sqrt(index)
      return total
    })
    await bench.run()
    const result = bench.getTask('work')?.result
    if (result?.state !== 'completed') return expect.fail('the tinybench task did not complete')
    const samples = result.latency.samples ?? []
    expect(samples.length).toBeGreaterThanOrEqual(200)
    const ours = summarizeSamples(samples)
    expect(ours.p50).toBeCloseTo(result.latency.p50, 9)
    expect(ours.p75).toBeCloseTo(result.latency.p75, 9)
    expect(ours.p99).toBeCloseTo(result.latency.p99, 9)
    expect(ours.p999).toBeCloseTo(result.latency.p999, 9)
  })
})

describe('the microsecond histogram', () => {
  test('keeps sub-millisecond times that a whole-millisecond histogram reads as 0', () => {
    const histogram = new MicrosecondHistogram()
    for (const milliseconds of [0.05, 0.07, 0.7, 1.9]) histogram.recordMs(milliseconds)
    const summary = histogram.summary()
    expect(summary.count).toBe(4)
    expect(summary.min).toBe(50)
    expect(summary.max).toBeGreaterThanOrEqual(1_899)
    expect(summary.max).toBeLessThanOrEqual(1_901)
    expect(histogram.percentile(50)).toBe(70)
  })
})
