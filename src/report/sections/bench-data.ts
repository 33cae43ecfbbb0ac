/**
 * `sections.bench` of results.json: what `chordlab bench` measured, in a shape the renderer and
 * the baseline gate read without Redis. Times are microseconds, rates are per second.
 *
 * Versioning (`version`): adding a field or a suite keeps `chordlab.bench/v1`; renaming, removing
 * or changing the meaning of a field bumps it, and the baseline gate refuses to compare two
 * different versions.
 */
export const benchSectionVersion = 'chordlab.bench/v1'

export const benchSuiteIds = ['latency', 'throughput', 'http', 'persistence', 'spec'] as const
export type BenchSuiteId = (typeof benchSuiteIds)[number]

export interface BenchSectionData {
  version: typeof benchSectionVersion
  settings: BenchSettings
  /** One entry per suite asked for; a suite not asked for is absent. */
  latency?: SuiteOutcome<LatencySuite>
  throughput?: SuiteOutcome<ThroughputSuite>
  http?: SuiteOutcome<HttpSuite>
  persistence?: SuiteOutcome<PersistenceSuite>
  spec?: SuiteOutcome<SpecSuite>
}

export interface BenchSettings {
  profile: string
  suites: BenchSuiteId[]
  /** The higher concurrency the latency suite measures at, besides 1. */
  concurrency: number
  /** The Redis the suites (other than persistence) ran against. */
  redis: { source: 'started' | 'external'; persistence: string }
}

export type SuiteOutcome<Data> = ({ status: 'ran' } & Data) | { status: 'skipped'; reason: string }

/** One figure per measured round, and their median, smallest and largest. */
export interface RoundStat {
  median: number
  min: number
  max: number
  /** Standard error of the median, from the rounds' interquartile range (see src/measure/ratio.ts). */
  standardError: number
  perRound: number[]
}

export interface LatencyFigures {
  /** Calls timed, over all rounds. */
  samples: number
  /** Calls per second over the rounds' wall time (tinybench's own figure is per sample). */
  opsPerSecond: number
  /** Relative margin of error of the mean, 95 %, in percent. */
  rmePercent: number
  us: { mean: number; min: number; p50: number; p75: number; p99: number; p999: number; max: number }
  /** `[percentile, µs]`, the distribution over all rounds, for the charts. */
  curve: Array<[number, number]>
}

/** Goals from the issue; the report marks them met or not met, nothing fails on them. */
export interface RatioTarget {
  /** The p50 ratio must be at most this. */
  p50?: number
  /** The p99 ratio must be at most this. */
  p99?: number
}

export interface ControlComparison {
  /** The raw ioredis command(s) on its own connection: `SET EX`, `GET`, `INCR`, … */
  control: string
  figures: LatencyFigures
  /** Subject p50 / control p50, per round. */
  p50: RoundStat
  /** Subject p99 / control p99, per round. */
  p99: RoundStat
  /** p99.9 ratio over all rounds together (one round holds too few tail samples for its own). */
  p999Pooled: number
  target?: RatioTarget
}

export interface OperationLatency {
  /** `storeResult (TTL)`, `getResult (hit)`, `storeResults (100)`, … */
  operation: string
  concurrency: number
  subject: LatencyFigures
  controls: ControlComparison[]
}

export interface LatencySuite {
  rounds: number
  roundMs: number
  concurrencyLevels: number[]
  operations: OperationLatency[]
}

export interface ThroughputWorkload {
  /** `storeResults` or `chordCompleteTask`. */
  workload: string
  /** How it was driven, in words: batch size, calls in flight, pipelining. */
  method: string
  /** What a unit is: `results/s`, `completions/s`. */
  unit: string
  subject: RoundStat
  control: { name: string; method: string; perSecond: RoundStat }
  /** Subject rate / control rate, per round. */
  ratio: RoundStat
  /** The subject's median rate must reach this. */
  targetPerSecond?: number
}

export interface ThroughputSuite {
  rounds: number
  roundMs: number
  workloads: ThroughputWorkload[]
}

export interface HttpRoute {
  /** `no-op` is the control: same server, no Redis. */
  route: 'no-op' | 'read' | 'store' | 'complete'
  method: string
  path: string
  requestsPerSecond: RoundStat
  /** From every response's own time (autocannon's histogram has whole milliseconds only). */
  latencyUs: { count: number; mean: number; p50: number; p75: number; p99: number; p999: number; max: number }
  errors: number
  non2xx: number
  /** Requests/s of this route / of the no-op route, per round; absent on the no-op route. */
  ratioToNoop?: RoundStat
  /** The ratio's median must reach this. */
  targetRatio?: number
}

export interface HttpSuite {
  rounds: number
  roundSeconds: number
  connections: number
  routes: HttpRoute[]
}

export interface PersistenceLatency {
  operation: string
  byProfile: Array<{
    profile: string
    figures: LatencyFigures
    /** p50 / p50 on `none`, per round. */
    p50VsNone: RoundStat
    p99VsNone: RoundStat
  }>
}

export interface PersistenceThroughput {
  workload: string
  unit: string
  byProfile: Array<{ profile: string; perSecond: RoundStat; vsNone: RoundStat }>
}

export interface PersistenceSuite {
  /** Profiles in the order measured; `none` first, the reference. */
  profiles: string[]
  /** How each profile was configured, in words (save points, fsync policy). */
  profileNotes: Record<string, string>
  rounds: number
  roundMs: number
  latency: PersistenceLatency[]
  throughput: PersistenceThroughput[]
}

export interface LatencyClaim {
  /** The spec's row: `Store result`, `Get result`, `Chord increment`, `Set expiration`. */
  row: string
  claim: string
  /** The measured operation standing for the row. */
  operation: string
  limitUs: number
  concurrency: number
  p50Us: number
  p99Us: number
  p999Us: number
  met: boolean
}

export interface MemoryClaim {
  /** `Task metadata`, `Chord state`, `Chord counter`, or a key of chordlab's own the spec has no row for. */
  component: string
  /** What was stored: `SUCCESS result, 1,013-byte document`, … */
  detail: string
  /** The spec's figure, as written (`~200B`), or null when the spec has no row. */
  claim: string | null
  /** Bytes the claim allows (its upper figure; a `~` figure 1.5×), null when there is no claim. */
  limitBytes: number | null
  /** `MEMORY USAGE` of one such key, averaged over several. */
  memoryUsageBytes: number
  /** Growth of INFO `used_memory` per key when `keys` of them were written (or freed). */
  usedMemoryDeltaBytes: number
  keys: number
  met: { memoryUsage: boolean; usedMemory: boolean } | null
}

export interface SpecSuite {
  latency: LatencyClaim[]
  /** Where the latency figures came from: the latency suite, or the spec suite's own shorter run. */
  latencySource: string
  memory: MemoryClaim[]
  /** Caveats about the memory figures (an external server's other traffic, allocator rounding). */
  memoryNotes: string[]
}

/** results.json holds something the bench renderer or gate cannot read. */
export class BenchDataError extends Error {
  override name = 'BenchDataError'
}

/**
 * Checks the parts of the section the renderer and the gate rely on. It does not re-validate
 * every number: the file was written by chordlab, and this catches a wrong or older file.
 */
export function parseBenchSection(json: unknown): BenchSectionData {
  if (!isRecord(json)) throw new BenchDataError('the bench section is not an object')
  if (json.version !== benchSectionVersion) {
    throw new BenchDataError(
      `the bench section is ${JSON.stringify(json.version)}, this chordlab reads ${benchSectionVersion}`,
    )
  }
  if (!isRecord(json.settings) || !Array.isArray(json.settings.suites)) {
    throw new BenchDataError('the bench section has no settings.suites')
  }
  const arrays: Record<BenchSuiteId, string[]> = {
    latency: ['operations'],
    throughput: ['workloads'],
    http: ['routes'],
    persistence: ['profiles', 'latency', 'throughput'],
    spec: ['latency', 'memory'],
  }
  for (const suite of benchSuiteIds) {
    const outcome = json[suite]
    if (outcome === undefined) continue
    if (!isRecord(outcome)) throw new BenchDataError(`bench.${suite} is not an object`)
    if (outcome.status === 'skipped') {
      if (typeof outcome.reason !== 'string')
        throw new BenchDataError(`bench.${suite} is skipped without a reason`)
      continue
    }
    if (outcome.status !== 'ran')
      throw new BenchDataError(`bench.${suite}.status is ${JSON.stringify(outcome.status)}`)
    for (const field of arrays[suite]) {
      if (!Array.isArray(outcome[field])) throw new BenchDataError(`bench.${suite}.${field} is not a list`)
    }
  }
  return json as unknown as BenchSectionData
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
