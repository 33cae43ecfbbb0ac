import { formatNumber } from '../html/charts.ts'
import type { Cell, CellInput } from '../html/table.ts'
import type {
  ControlComparison,
  HttpSuite,
  LatencyFigures,
  LatencySuite,
  OperationLatency,
  PersistenceSuite,
  RoundStat,
  SpecSuite,
  ThroughputSuite,
} from './bench-data.ts'

/**
 * The bench section's tables, as header and rows that both summary.md and the HTML page render,
 * so the two never disagree.
 */
export interface Table {
  headers: string[]
  rows: CellInput[][]
}

const notApplicable: Cell = { text: '—', status: 'info' }

export function ratioText(stat: RoundStat): string {
  return `${stat.median.toFixed(2)} (${stat.min.toFixed(2)}–${stat.max.toFixed(2)})`
}

export function rateText(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US')
}

function micros(value: number): Cell {
  return { text: formatNumber(value), numeric: true }
}

function verdict(met: boolean, text: string): Cell {
  return { text, status: met ? 'met' : 'not-met' }
}

/** The one-line description of a ratio target, and whether this comparison met it. */
export function ratioTargetCheck(comparison: ControlComparison): { text: string; met: boolean } | undefined {
  const { target } = comparison
  if (target === undefined) return undefined
  const parts: string[] = []
  let met = true
  if (target.p50 !== undefined) {
    parts.push(`p50 ≤ ${target.p50.toFixed(2)}`)
    met &&= comparison.p50.median <= target.p50
  }
  if (target.p99 !== undefined) {
    parts.push(`p99 ≤ ${target.p99.toFixed(2)}`)
    met &&= comparison.p99.median <= target.p99
  }
  return { text: parts.join(', '), met }
}

export function ratioTable(suite: LatencySuite): Table {
  return {
    headers: [
      'operation',
      'in flight',
      'control',
      'p50 ratio (range)',
      'p99 ratio (range)',
      'p99.9 ratio',
      'target',
    ],
    rows: suite.operations.flatMap(operation =>
      operation.controls.map(comparison => {
        const check = ratioTargetCheck(comparison)
        return [
          operation.operation,
          operation.concurrency,
          comparison.control,
          { text: ratioText(comparison.p50), numeric: true },
          { text: ratioText(comparison.p99), numeric: true },
          { text: comparison.p999Pooled.toFixed(2), numeric: true },
          check === undefined ? notApplicable : verdict(check.met, check.text),
        ]
      }),
    ),
  }
}

function latencyCells(figures: LatencyFigures): CellInput[] {
  const { us } = figures
  return [
    micros(us.p50),
    micros(us.p75),
    micros(us.p99),
    micros(us.p999),
    micros(us.max),
    micros(us.mean),
    { text: rateText(figures.opsPerSecond), numeric: true },
    figures.samples,
    { text: `±${figures.rmePercent.toFixed(2)}%`, numeric: true },
  ]
}

const latencyHeaders = [
  'p50 µs',
  'p75 µs',
  'p99 µs',
  'p99.9 µs',
  'max µs',
  'mean µs',
  'ops/s',
  'samples',
  'rme',
]

/** Every operation's absolute figures; with `withControls`, each control's row follows its operation. */
export function latencyTable(operations: readonly OperationLatency[], withControls: boolean): Table {
  return {
    headers: ['operation', 'in flight', ...latencyHeaders],
    rows: operations.flatMap(operation => [
      [operation.operation, operation.concurrency, ...latencyCells(operation.subject)],
      ...(withControls
        ? operation.controls.map(comparison => [
            `  control: ${comparison.control}`,
            operation.concurrency,
            ...latencyCells(comparison.figures),
          ])
        : []),
    ]),
  }
}

export function throughputTable(suite: ThroughputSuite): Table {
  return {
    headers: [
      'workload',
      'rate (median of rounds)',
      'range',
      'raw control',
      'control rate',
      'ratio (range)',
      'target',
    ],
    rows: suite.workloads.map(workload => [
      workload.workload,
      { text: `${rateText(workload.subject.median)} ${workload.unit}`, numeric: true },
      { text: `${rateText(workload.subject.min)}–${rateText(workload.subject.max)}`, numeric: true },
      workload.control.name,
      { text: `${rateText(workload.control.perSecond.median)} ${workload.unit}`, numeric: true },
      { text: ratioText(workload.ratio), numeric: true },
      workload.targetPerSecond === undefined
        ? notApplicable
        : verdict(
            workload.subject.median >= workload.targetPerSecond,
            `≥ ${rateText(workload.targetPerSecond)} ${workload.unit}`,
          ),
    ]),
  }
}

export function httpTable(suite: HttpSuite): Table {
  return {
    headers: [
      'route',
      'request',
      'req/s (median)',
      'ratio to no-op (range)',
      'p50 µs',
      'p99 µs',
      'p99.9 µs',
      'errors',
      'non-2xx',
      'target',
    ],
    rows: suite.routes.map(route => [
      route.route,
      `${route.method} ${route.path}`,
      { text: rateText(route.requestsPerSecond.median), numeric: true },
      route.ratioToNoop === undefined ? 'control' : { text: ratioText(route.ratioToNoop), numeric: true },
      micros(route.latencyUs.p50),
      micros(route.latencyUs.p99),
      micros(route.latencyUs.p999),
      route.errors,
      route.non2xx,
      route.targetRatio === undefined || route.ratioToNoop === undefined
        ? notApplicable
        : verdict(route.ratioToNoop.median >= route.targetRatio, `≥ ${route.targetRatio.toFixed(2)} × no-op`),
    ]),
  }
}

export function persistenceLatencyTable(suite: PersistenceSuite): Table {
  return {
    headers: [
      'operation',
      'profile',
      'p50 µs',
      'p99 µs',
      'p99.9 µs',
      'p50 × none (range)',
      'p99 × none (range)',
    ],
    rows: suite.latency.flatMap(operation =>
      operation.byProfile.map(profile => [
        operation.operation,
        profile.profile,
        micros(profile.figures.us.p50),
        micros(profile.figures.us.p99),
        micros(profile.figures.us.p999),
        { text: ratioText(profile.p50VsNone), numeric: true },
        { text: ratioText(profile.p99VsNone), numeric: true },
      ]),
    ),
  }
}

export function persistenceThroughputTable(suite: PersistenceSuite): Table {
  return {
    headers: ['workload', 'profile', 'rate (median)', '× none (range)'],
    rows: suite.throughput.flatMap(workload =>
      workload.byProfile.map(profile => [
        workload.workload,
        profile.profile,
        { text: `${rateText(profile.perSecond.median)} ${workload.unit}`, numeric: true },
        { text: ratioText(profile.vsNone), numeric: true },
      ]),
    ),
  }
}

export function specLatencyTable(suite: SpecSuite): Table {
  return {
    headers: ['spec row', 'claim', 'measured as', 'p50 µs', 'p99 µs', 'p99.9 µs', 'p99 under 1 ms?'],
    rows: suite.latency.map(claim => [
      claim.row,
      claim.claim,
      claim.operation,
      micros(claim.p50Us),
      micros(claim.p99Us),
      micros(claim.p999Us),
      verdict(claim.met, claim.met ? 'met' : 'not met'),
    ]),
  }
}

export function specMemoryTable(suite: SpecSuite): Table {
  const judged = (met: boolean | undefined, bytes: number): CellInput => {
    const text = `${bytes.toFixed(0)} B`
    return met === undefined ? { text, numeric: true } : { ...verdict(met, text), numeric: true }
  }
  return {
    headers: [
      'component',
      'what was stored',
      'spec',
      'allowed',
      'MEMORY USAGE',
      'used_memory Δ per key',
      'keys',
    ],
    rows: suite.memory.map(claim => [
      claim.component,
      claim.detail,
      claim.claim ?? 'no row in the spec',
      claim.limitBytes === null
        ? notApplicable
        : { text: `≤ ${claim.limitBytes.toFixed(0)} B`, numeric: true },
      judged(claim.met?.memoryUsage, claim.memoryUsageBytes),
      judged(claim.met?.usedMemory, claim.usedMemoryDeltaBytes),
      claim.keys,
    ]),
  }
}

/** Every met / not-met judgement in the section, for the headline count. */
export function targetVerdicts(tables: readonly Table[]): { met: number; notMet: number } {
  let met = 0
  let notMet = 0
  for (const table of tables) {
    for (const row of table.rows) {
      for (const input of row) {
        if (typeof input !== 'object') continue
        if (input.status === 'met') met += 1
        if (input.status === 'not-met') notMet += 1
      }
    }
  }
  return { met, notMet }
}
