import type { BarrierName } from '../../src/backend/barrier/index.ts'
import type { ConnectionOptions } from '../../src/backend/connection.ts'
import type { StartedToxiproxy } from '../../src/faults/started-toxiproxy.ts'
import type {
  ChaosRun,
  ChaosScenarioReport,
  Expectation,
  Measurement,
  PersistenceRow,
} from '../../src/report/sections/chaos.ts'
import type { PersistenceProfile } from '../../src/servers/persistence-profiles.ts'
import type { ChordWorkloadResult } from './chord-workload.ts'
import type { RedisSource } from './redis-target.ts'

/** How big each scenario runs: `test` in `npm test`, `quick` and `full` from the CLI. */
export interface ChaosSize {
  name: 'test' | 'quick' | 'full'
  tasks: number
  workers: number
  /** Share of tasks delivered twice in scenarios that are not about reply loss. */
  duplicateRate: number
  barriers: readonly BarrierName[]
  connection: Required<
    Pick<ConnectionOptions, 'commandTimeoutMs' | 'maxRetriesPerRequest' | 'connectTimeoutMs'>
  >
  /** The latency toxic of the latency scenario. */
  latency: { latencyMs: number; jitterMs: number }
  /** How long a fault stays at least, and at most while waiting for it to hit. */
  faultWindow: { minMs: number; maxMs: number }
  /** How long the partition lasts. */
  partitionMs: number
  profiles: readonly PersistenceProfile[]
  /** A chord run still busy after this long is reported as hung. */
  deadlineMs: number
}

const allBarriers: readonly BarrierName[] = ['reference', 'seed-incr', 'naive-rmw']
const allProfiles: readonly PersistenceProfile[] = ['none', 'rdb', 'aof-everysec', 'aof-always']
const connection = { commandTimeoutMs: 400, maxRetriesPerRequest: 2, connectTimeoutMs: 1_000 }

export const chaosSizes: Record<ChaosSize['name'], ChaosSize> = {
  test: {
    name: 'test',
    tasks: 80,
    workers: 6,
    duplicateRate: 0.2,
    barriers: allBarriers,
    connection,
    latency: { latencyMs: 20, jitterMs: 5 },
    faultWindow: { minMs: 250, maxMs: 2_500 },
    partitionMs: 400,
    profiles: allProfiles,
    deadlineMs: 20_000,
  },
  quick: {
    name: 'quick',
    tasks: 300,
    workers: 8,
    duplicateRate: 0.2,
    barriers: allBarriers,
    connection,
    latency: { latencyMs: 40, jitterMs: 10 },
    faultWindow: { minMs: 400, maxMs: 3_000 },
    partitionMs: 800,
    profiles: allProfiles,
    deadlineMs: 30_000,
  },
  full: {
    name: 'full',
    tasks: 2_000,
    workers: 16,
    duplicateRate: 0.2,
    barriers: allBarriers,
    connection: { ...connection, commandTimeoutMs: 1_000 },
    latency: { latencyMs: 100, jitterMs: 20 },
    faultWindow: { minMs: 1_000, maxMs: 5_000 },
    partitionMs: 2_000,
    profiles: allProfiles,
    deadlineMs: 120_000,
  },
}

export interface ScenarioContext {
  toxiproxy: StartedToxiproxy
  redisSource: RedisSource
  size: ChaosSize
  /** Seeds every chord run of the scenario. */
  seed: number
  /** One line per step, for the CLI's progress output. */
  progress: (line: string) => void
}

/** What a scenario hands to the report: its section entry, and rows of the persistence table if it has any. */
export interface ScenarioOutcome {
  report: ChaosScenarioReport
  persistence?: PersistenceRow[]
}

export interface ChaosScenario {
  id: string
  title: string
  /** What the fault does and what the checker must see. */
  description: string
  run(context: ScenarioContext): Promise<ScenarioOutcome>
}

/** One chord run as the report shows it. */
export function chaosRun(fault: string, barrier: BarrierName, result: ChordWorkloadResult): ChaosRun {
  const { check } = result
  return {
    fault,
    barrier,
    verdict: check.verdict,
    consistent: check.consistent,
    neverFiredReason: check.neverFiredReason,
    violations: check.violations,
    total: check.total,
    finalCount: check.finalCount,
    chordExists: check.chordExists,
    firedCount: check.firedCount,
    acknowledged: check.distinctAcknowledged,
    unknown: check.distinctUnknown,
    acknowledgedLost: check.acknowledgedLost,
    operations: result.operations,
    errorKinds: result.errorKinds,
    hung: result.hung,
    callsDuringFault: result.callsDuringFault,
    faultError: result.faultError,
    durationMs: result.durationMs,
    medianLatencyMs: result.medianLatencyMs,
  }
}

export function expectation(id: string, statement: string, met: boolean, detail: string): Expectation {
  return { id, statement, met, detail }
}

const describeRun = (run: ChaosRun) => `${run.fault} → ${run.verdict}`

/** The reference barrier is exact, or never fired with a reason the history shows, in every run. */
export function referenceConsistent(runs: readonly ChaosRun[]): Expectation {
  const reference = runs.filter(run => run.barrier === 'reference')
  const bad = reference.filter(run => !run.consistent || run.hung > 0)
  return expectation(
    'reference-consistent',
    'the reference barrier is exact, or never fired with a reason',
    reference.length > 0 && bad.length === 0,
    bad.length === 0
      ? reference.map(describeRun).join('; ') || 'no reference run'
      : bad
          .map(run => `${describeRun(run)}: ${run.violations[0]?.detail ?? `${run.hung} call(s) hung`}`)
          .join('; '),
  )
}

/** At least one deliberately broken barrier is caught (its verdict is not exact). */
export function brokenVariantCaught(runs: readonly ChaosRun[]): Expectation {
  const broken = runs.filter(run => run.barrier !== 'reference')
  const caught = broken.filter(run => run.verdict !== 'exact')
  return expectation(
    'broken-caught',
    'at least one broken barrier is caught',
    caught.length > 0,
    broken.map(run => `${run.barrier} under ${describeRun(run)}`).join('; ') || 'no broken barrier ran',
  )
}

/** Every fault was injected and healed while completions were in flight. */
export function faultOverlapped(runs: readonly ChaosRun[]): Expectation {
  const faulted = runs.filter(run => run.callsDuringFault !== null || run.faultError !== null)
  const missed = faulted.filter(run => run.faultError !== null || (run.callsDuringFault ?? 0) === 0)
  return expectation(
    'fault-overlapped',
    'every fault struck while completions were in flight',
    faulted.length > 0 && missed.length === 0,
    missed.length === 0
      ? faulted.map(run => `${run.barrier}: ${run.callsDuringFault} calls`).join('; ') ||
          'no fault was injected'
      : missed
          .map(run => `${run.fault}, ${run.barrier}: ${run.faultError ?? 'no call in flight'}`)
          .join('; '),
  )
}

/** Every run finished before its deadline: no call was left waiting. */
export function nothingHung(runs: readonly ChaosRun[]): Expectation {
  const hung = runs.filter(run => run.hung > 0)
  return expectation(
    'nothing-hangs',
    'nothing hangs',
    hung.length === 0,
    hung.length === 0
      ? `${runs.length} runs finished`
      : hung.map(run => `${run.fault}, ${run.barrier}: ${run.hung} call(s) pending`).join('; '),
  )
}

/** Every failed or unknown call failed with a BackendError of a known kind. */
export function errorsTyped(runs: readonly ChaosRun[]): Expectation {
  const kinds: Record<string, number> = {}
  for (const run of runs) {
    for (const [kind, count] of Object.entries(run.errorKinds)) kinds[kind] = (kinds[kind] ?? 0) + count
  }
  const untyped = kinds.untyped ?? 0
  const listed = Object.entries(kinds).map(([kind, count]) => `${kind} ${count}`)
  return expectation(
    'errors-typed',
    'errors are typed (BackendError kinds)',
    untyped === 0,
    listed.length === 0 ? 'no call failed' : listed.join(', '),
  )
}

/** Puts a scenario's runs and expectations together; `passed` only when every expectation is met. */
export function scenarioReport(
  scenario: Pick<ChaosScenario, 'id' | 'title' | 'description'>,
  started: number,
  parts: { runs: ChaosRun[]; expectations: Expectation[]; measurements?: Measurement[] },
): ChaosScenarioReport {
  return {
    id: scenario.id,
    title: scenario.title,
    description: scenario.description,
    status: parts.expectations.every(item => item.met) ? 'passed' : 'failed',
    skipReason: null,
    durationMs: performance.now() - started,
    runs: parts.runs,
    expectations: parts.expectations,
    measurements: parts.measurements ?? [],
  }
}

export function skippedScenario(
  scenario: Pick<ChaosScenario, 'id' | 'title' | 'description'>,
  reason: string,
): ChaosScenarioReport {
  return {
    id: scenario.id,
    title: scenario.title,
    description: scenario.description,
    status: 'skipped',
    skipReason: reason,
    durationMs: 0,
    runs: [],
    expectations: [],
    measurements: [],
  }
}
