import type { RunResults } from './schema.ts'
import {
  BenchDataError,
  type BenchSectionData,
  type BenchSuiteId,
  parseBenchSection,
  type RoundStat,
} from './sections/bench-data.ts'

/**
 * The baseline gate: compares this run's control-normalised figures with a baseline run's, never
 * absolute times (a CI machine's speed changes from one job to the next; the ratio of the backend
 * to raw Redis measured in the same minute changes much less).
 *
 * Which figures: the pairings the issue sets targets for, i.e. store, get, delete and expire
 * against their Redis command and chordCompleteTask against INCR, at p50 and p99 and at every
 * concurrency; both throughput ratios; the HTTP read route against the no-op route. The other
 * pairings (chordInit and chordCompleteTask against EVALSHA, chordGetState against MGET, the
 * batches of 100) have no target and are context only; the batches could not be gated anyway:
 * their ratio of client CPU work to a Redis-bound control follows the machine's load, and moved
 * by up to 136 % between quick runs of the same build (bench/README.md).
 *
 * When a figure is judged: only when both runs pin it down, i.e. when 3 × the combined standard
 * error of the two medians is within the threshold. A figure from a disturbed run (or a p99 from
 * short rounds) is listed as not judged rather than failing or passing the build on noise.
 */

/** The default threshold, chosen from repeated quick runs of an unchanged build (bench/README.md). */
export const defaultMaxRegressionPercent = 35

/** A change counts only when the threshold is at least this many combined standard errors. */
const noiseMultiple = 3

export interface GateMetric {
  /** Names the operation, the concurrency and the control: what a failure message shows. */
  key: string
  suite: BenchSuiteId
  /** Which figure: a latency percentile's ratio, or a rate ratio. */
  figure: 'p50 ratio' | 'p99 ratio' | 'rate ratio'
  value: number
  /** Standard error of `value` relative to it (0.05: ±5 %). */
  relativeError: number
  /** Latency ratios regress upwards, rate ratios downwards. */
  worseWhen: 'higher' | 'lower'
}

export interface GateComparison {
  metric: GateMetric
  baseline: number
  /** Positive is worse: +0.4 means 40 % slower (or 40 % less throughput) than the baseline. */
  change: number
  /** √(baseline error² + current error²), relative. */
  noise: number
  /** False when the two runs' rounds do not pin the figure down well enough to judge the threshold. */
  judged: boolean
}

export type GateOutcome =
  | { kind: 'passed'; comparisons: GateComparison[]; notes: string[] }
  | { kind: 'regressed'; regressions: GateComparison[]; comparisons: GateComparison[]; notes: string[] }
  | { kind: 'incomparable'; reason: string }

export interface GateOptions {
  /** A judged figure more than this much worse than the baseline fails the gate. @default 35 */
  maxRegressionPercent?: number
}

/** Compares `current` with `baseline` (both whole results.json contents). */
export function compareWithBaseline(
  baseline: unknown,
  current: RunResults,
  options: GateOptions = {},
): GateOutcome {
  const threshold = (options.maxRegressionPercent ?? defaultMaxRegressionPercent) / 100
  // 1. Both files must be results of the same schema versions, each with a bench section.
  const baselineBench = benchOf(baseline, 'the baseline')
  if (baselineBench.kind === 'incomparable') return baselineBench
  const currentBench = benchOf(current, 'this run')
  if (currentBench.kind === 'incomparable') return currentBench
  const baselineSchema = (baseline as RunResults).schema
  if (baselineSchema !== current.schema) {
    return {
      kind: 'incomparable',
      reason: `the baseline is ${String(baselineSchema)}, this run ${current.schema}: record a new baseline`,
    }
  }
  const notes: string[] = []
  const before = baselineBench.data
  const after = currentBench.data
  if (before.settings.profile !== after.settings.profile) {
    notes.push(
      `the baseline ran the ${before.settings.profile} profile, this run ${after.settings.profile}: the ratios compare, with more noise`,
    )
  }
  // 2. Pair the figures; a figure of a suite that ran in both but is missing now is an error.
  const comparedSuites = new Set(ranSuites(after))
  const skippedSuites = ranSuites(before).filter(suite => !comparedSuites.has(suite))
  if (skippedSuites.length > 0)
    notes.push(`not compared (did not run this time): ${skippedSuites.join(', ')}`)
  const currentMetrics = new Map(gateMetrics(after).map(metric => [metricId(metric), metric]))
  const missing: string[] = []
  const comparisons: GateComparison[] = []
  for (const old of gateMetrics(before)) {
    if (!comparedSuites.has(old.suite)) continue
    const now = currentMetrics.get(metricId(old))
    if (now === undefined) missing.push(`${old.key} (${old.figure})`)
    else comparisons.push(compare(old, now, threshold))
  }
  if (missing.length > 0) {
    return {
      kind: 'incomparable',
      reason: `the baseline has figures this run does not (renamed or removed operations?): ${missing.join('; ')}`,
    }
  }
  // 3. Judge: a regression is a judged figure worse by more than the threshold.
  if (!comparisons.some(comparison => comparison.judged)) {
    return {
      kind: 'incomparable',
      reason:
        comparisons.length === 0
          ? 'the baseline and this run have no gated figures in common'
          : 'every gated figure was too noisy in one of the two runs to judge (a busy machine?): run again, or use --profile full',
    }
  }
  const regressions = comparisons.filter(comparison => comparison.judged && comparison.change > threshold)
  return regressions.length > 0
    ? { kind: 'regressed', regressions, comparisons, notes }
    : { kind: 'passed', comparisons, notes }
}

function compare(old: GateMetric, now: GateMetric, threshold: number): GateComparison {
  const change = old.worseWhen === 'higher' ? now.value / old.value - 1 : old.value / now.value - 1
  const noise = Math.hypot(old.relativeError, now.relativeError)
  return { metric: now, baseline: old.value, change, noise, judged: noiseMultiple * noise <= threshold }
}

/**
 * Every control-normalised figure of a run that the gate watches; with `every-pairing`, also the
 * ones it leaves out (for bench/ratio-spread.ts, which shows why they are left out).
 */
export function gateMetrics(
  data: BenchSectionData,
  scope: 'gated' | 'every-pairing' = 'gated',
): GateMetric[] {
  const everyPairing = scope === 'every-pairing'
  const metrics: GateMetric[] = []
  if (data.latency?.status === 'ran') {
    for (const operation of data.latency.operations) {
      for (const comparison of operation.controls) {
        if (comparison.target === undefined && !everyPairing) continue
        const key = `${operation.operation}, ${operation.concurrency} in flight, vs ${comparison.control}`
        metrics.push(metric(key, 'latency', 'p50 ratio', comparison.p50, 'higher'))
        metrics.push(metric(key, 'latency', 'p99 ratio', comparison.p99, 'higher'))
      }
    }
  }
  if (data.throughput?.status === 'ran') {
    for (const workload of data.throughput.workloads) {
      const key = `${workload.workload} throughput vs ${workload.control.name}`
      metrics.push(metric(key, 'throughput', 'rate ratio', workload.ratio, 'lower'))
    }
  }
  if (data.http?.status === 'ran') {
    for (const route of data.http.routes) {
      if (route.ratioToNoop === undefined || (route.targetRatio === undefined && !everyPairing)) continue
      const key = `HTTP ${route.route} route vs no-op`
      metrics.push(metric(key, 'http', 'rate ratio', route.ratioToNoop, 'lower'))
    }
  }
  return metrics
}

/** The gate's verdict as lines of text, for the terminal and for summary.md. */
export function gateLines(
  outcome: GateOutcome,
  baselineName: string,
  maxRegressionPercent: number,
): string[] {
  if (outcome.kind === 'incomparable') return [`cannot compare with ${baselineName}: ${outcome.reason}`]
  const unjudged = outcome.comparisons.filter(comparison => !comparison.judged)
  const counted = `${outcome.comparisons.length - unjudged.length} of ${outcome.comparisons.length} gated figures judged, threshold ${maxRegressionPercent}%`
  const verdict =
    outcome.kind === 'passed'
      ? [`passed against ${baselineName} (${counted})`]
      : [
          `FAILED against ${baselineName}: ${outcome.regressions.length} regression(s) (${counted})`,
          ...outcome.regressions.map(regression => `  ${describeRegression(regression)}`),
        ]
  const noisy =
    unjudged.length === 0
      ? []
      : [
          `not judged, too noisy (3 × noise above ${maxRegressionPercent}%):`,
          ...unjudged.map(
            ({ metric, noise }) => `  ${metric.key}: ${metric.figure} (noise ±${(noise * 100).toFixed(0)}%)`,
          ),
        ]
  return [...outcome.notes.map(note => `note: ${note}`), ...verdict, ...noisy]
}

/** One line for a regression, naming operation, concurrency, control and percentile. */
export function describeRegression(comparison: GateComparison): string {
  const { metric } = comparison
  return (
    `${metric.key}: ${metric.figure} ${comparison.baseline.toFixed(2)} -> ${metric.value.toFixed(2)} ` +
    `(${(comparison.change * 100).toFixed(0)}% worse, ${metric.worseWhen} is worse; noise ±${(comparison.noise * 100).toFixed(0)}%)`
  )
}

function metric(
  key: string,
  suite: BenchSuiteId,
  figure: GateMetric['figure'],
  stat: RoundStat,
  worseWhen: GateMetric['worseWhen'],
): GateMetric {
  const relativeError = stat.median === 0 ? Number.POSITIVE_INFINITY : stat.standardError / stat.median
  return { key, suite, figure, value: stat.median, relativeError, worseWhen }
}

function metricId(metric: GateMetric): string {
  return `${metric.key}\u0000${metric.figure}`
}

function ranSuites(data: BenchSectionData): BenchSuiteId[] {
  return (['latency', 'throughput', 'http'] as const).filter(suite => data[suite]?.status === 'ran')
}

function benchOf(
  results: unknown,
  which: string,
): { kind: 'ok'; data: BenchSectionData } | { kind: 'incomparable'; reason: string } {
  const sections = (results as { sections?: unknown } | null)?.sections
  if (typeof sections !== 'object' || sections === null) {
    return { kind: 'incomparable', reason: `${which} is not a chordlab results.json (no sections)` }
  }
  if (!('bench' in sections)) return { kind: 'incomparable', reason: `${which} has no bench section` }
  try {
    return { kind: 'ok', data: parseBenchSection((sections as { bench: unknown }).bench) }
  } catch (error) {
    if (error instanceof BenchDataError) return { kind: 'incomparable', reason: `${which}: ${error.message}` }
    throw error
  }
}
