import { describe, expect, test } from 'vitest'
import { compareWithBaseline, describeRegression, gateLines, gateMetrics } from '../src/report/baseline.ts'
import type { RunResults } from '../src/report/schema.ts'
import type { BenchSectionData } from '../src/report/sections/bench-data.ts'
import { operation, sampleBenchSection, sampleResults, stat } from './support/sample-results.ts'

/** A copy of the sample run with `change` applied to its bench section. */
function changed(change: (bench: BenchSectionData) => void): RunResults {
  const bench = structuredClone(sampleBenchSection())
  change(bench)
  return sampleResults(bench)
}

function latencyOf(bench: BenchSectionData) {
  if (bench.latency?.status !== 'ran') throw new Error('the sample has no latency suite')
  return bench.latency
}

describe('the baseline gate', () => {
  test('passes a run identical to its baseline', () => {
    const outcome = compareWithBaseline(sampleResults(), sampleResults(), { maxRegressionPercent: 35 })
    expect(outcome.kind).toBe('passed')
    if (outcome.kind !== 'passed') return
    expect(outcome.comparisons.length).toBe(gateMetrics(sampleBenchSection()).length)
    expect(outcome.comparisons.every(comparison => comparison.change === 0)).toBe(true)
  })

  test('fails a 2× p50 regression, naming the operation, the concurrency and the percentile', () => {
    const slower = changed(bench => {
      latencyOf(bench).operations[0] = operation('storeResult (TTL)', 1, 2.1, 1.2)
    })
    const outcome = compareWithBaseline(sampleResults(), slower, { maxRegressionPercent: 35 })
    expect(outcome.kind).toBe('regressed')
    if (outcome.kind !== 'regressed') return
    expect(outcome.regressions).toHaveLength(1)
    const line = describeRegression(outcome.regressions[0] as NonNullable<(typeof outcome.regressions)[0]>)
    expect(line).toContain('storeResult (TTL), 1 in flight, vs SET EX')
    expect(line).toContain('p50 ratio 1.05 -> 2.10')
    expect(line).toContain('100% worse')
    expect(gateLines(outcome, 'base.json', 35).slice(0, 2)).toEqual([
      'FAILED against base.json: 1 regression(s) (7 of 8 gated figures judged, threshold 35%)',
      `  ${line}`,
    ])
  })

  test('fails a throughput ratio that halves (lower is worse there)', () => {
    const slower = changed(bench => {
      if (bench.throughput?.status !== 'ran') throw new Error('no throughput suite')
      const [workload] = bench.throughput.workloads
      if (workload) workload.ratio = stat(0.25)
    })
    const outcome = compareWithBaseline(sampleResults(), slower, { maxRegressionPercent: 35 })
    expect(outcome.kind).toBe('regressed')
    if (outcome.kind === 'regressed')
      expect(outcome.regressions[0]?.metric.key).toBe('storeResults throughput vs pipeline SET EX')
  })

  test('does not fail on a change within the threshold, nor on an improvement', () => {
    const jittered = changed(bench => {
      latencyOf(bench).operations[0] = operation('storeResult (TTL)', 1, 1.05 * 1.3, 1.2)
      latencyOf(bench).operations[2] = operation('getResult (hit)', 1, 0.5, 0.5)
    })
    expect(compareWithBaseline(sampleResults(), jittered, { maxRegressionPercent: 35 }).kind).toBe('passed')
    expect(compareWithBaseline(sampleResults(), jittered, { maxRegressionPercent: 20 }).kind).toBe(
      'regressed',
    )
  })

  test('judges a figure only when both runs pin it down, and then fails a steady 2× p99', () => {
    // The sample's 16-in-flight storeResult p99 rounds run 1.1, 1.9, 3.5: too noisy to judge 35 %.
    const worseTails = changed(bench => {
      latencyOf(bench).operations[1] = operation('storeResult (TTL)', 16, 1.3, [4, 5, 6])
    })
    const noisy = compareWithBaseline(sampleResults(), worseTails, { maxRegressionPercent: 35 })
    expect(noisy.kind).toBe('passed')
    if (noisy.kind === 'passed') {
      const p99 = noisy.comparisons.find(
        comparison =>
          comparison.metric.key === 'storeResult (TTL), 16 in flight, vs SET EX' &&
          comparison.metric.figure === 'p99 ratio',
      )
      expect(p99?.judged).toBe(false)
      expect(p99?.change).toBeGreaterThan(1)
    }
    // The steady one-at-a-time p99 (1.2 in every round) is judged.
    const steadyWorse = changed(bench => {
      latencyOf(bench).operations[0] = operation('storeResult (TTL)', 1, 1.05, 2.4)
    })
    const outcome = compareWithBaseline(sampleResults(), steadyWorse, { maxRegressionPercent: 35 })
    expect(outcome.kind).toBe('regressed')
    if (outcome.kind === 'regressed') {
      expect(describeRegression(outcome.regressions[0] as never)).toContain('p99 ratio 1.20 -> 2.40')
    }
  })

  test('does not fail a disturbed run on noise, and says so when nothing could be judged', () => {
    const disturbed = (bench: BenchSectionData) => {
      const wild = [0.5, 1, 2, 4, 8]
      latencyOf(bench).operations = latencyOf(bench).operations.map(({ operation: name, concurrency }) =>
        operation(name, concurrency, 2, wild),
      )
      for (const comparison of latencyOf(bench).operations.flatMap(entry => entry.controls))
        comparison.p50 = stat(wild)
      bench.throughput = undefined
      bench.http = undefined
    }
    const outcome = compareWithBaseline(sampleResults(), changed(disturbed))
    expect(outcome).toMatchObject({ kind: 'incomparable' })
    if (outcome.kind === 'incomparable')
      expect(outcome.reason).toContain('too noisy in one of the two runs to judge')
  })

  test('refuses another bench section version with a message saying so', () => {
    const older = structuredClone(sampleResults()) as unknown as { sections: { bench: { version: string } } }
    older.sections.bench.version = 'chordlab.bench/v0'
    const outcome = compareWithBaseline(older, sampleResults())
    expect(outcome).toEqual({
      kind: 'incomparable',
      reason: 'the baseline: the bench section is "chordlab.bench/v0", this chordlab reads chordlab.bench/v1',
    })
  })

  test('refuses another results schema version', () => {
    const older = { ...sampleResults(), schema: 'chordlab.results/v0' }
    const outcome = compareWithBaseline(older, sampleResults())
    expect(outcome.kind).toBe('incomparable')
    if (outcome.kind === 'incomparable') expect(outcome.reason).toContain('chordlab.results/v0')
  })

  test('names operations the baseline has and this run lacks', () => {
    const fewer = changed(bench => {
      latencyOf(bench).operations.splice(2, 1)
    })
    const outcome = compareWithBaseline(sampleResults(), fewer)
    expect(outcome.kind).toBe('incomparable')
    if (outcome.kind === 'incomparable') {
      expect(outcome.reason).toContain('getResult (hit), 1 in flight, vs SET EX (p50 ratio)')
    }
  })

  test('compares only the suites this run ran, and says which it left out', () => {
    const latencyOnly = changed(bench => {
      bench.throughput = undefined
      bench.http = undefined
    })
    const outcome = compareWithBaseline(sampleResults(), latencyOnly)
    expect(outcome.kind).toBe('passed')
    if (outcome.kind === 'passed')
      expect(outcome.notes).toContain('not compared (did not run this time): throughput, http')
  })

  test('refuses a file without a bench section', () => {
    const outcome = compareWithBaseline({ schema: 'chordlab.results/v1', sections: {} }, sampleResults())
    expect(outcome).toEqual({ kind: 'incomparable', reason: 'the baseline has no bench section' })
  })
})
