import type { RoundStat } from './bench-data.ts'

/**
 * `sections.topology` of results.json: the backend's throughput on Redis Clusters of several
 * sizes, from one client process and from several, against raw commands on one plain
 * redis-server measured in the same run (`chordlab bench --topology cluster`, bench/topology/).
 *
 * Versioning (`version`): adding a field keeps `chordlab.topology/v1`; renaming, removing or
 * changing the meaning of one bumps it.
 */
export const topologySectionVersion = 'chordlab.topology/v1'

export type TopologyOperation = 'storeResults' | 'chordCompleteTask'

export interface TopologySection {
  version: typeof topologySectionVersion
  profile: string
  redisVersion: string
  settings: TopologySettings
  /** One per (operation, client processes), in the order they ran. */
  passes: TopologyPass[]
}

export interface TopologySettings {
  /** Cluster sizes measured (primaries). */
  primaries: number[]
  replicasPerPrimary: number
  /** Client process counts measured. */
  processes: number[]
  /** Measured rounds per pass; every arm (each cluster and the control) runs once per round. */
  rounds: number
  roundMs: number
  /** Results per storeResults call, and such calls in flight per process. */
  storeBatch: number
  storeInFlight: number
  /** chordCompleteTask calls in flight per process, spread over this many chords per process. */
  completionsInFlight: number
  chordsPerProcess: number
  /** The barrier the completions ran through (only `reference` is exact; others are test subjects). */
  barrier: string
  /** Every n-th completion call re-delivers a task already completed (0: none), to exercise the check. */
  redeliverEvery: number
  /** CPU cores of the machine, for the CPU columns. */
  cores: number
}

export interface TopologyPass {
  operation: TopologyOperation
  unit: string
  processes: number
  /** How the backend is driven, in words. */
  method: string
  control: TopologyArm & { method: string }
  clusters: ClusterArm[]
}

/** A cluster's figures in one pass, beside the control's. */
export type ClusterArm = TopologyArm & { primaries: number; nodes: number; ratioToControl: RoundStat }

/** One target's figures in one pass; every RoundStat holds one value per measured round. */
export interface TopologyArm {
  perSecond: RoundStat
  /** redis-server CPU (used_cpu_sys + used_cpu_user, every node of the target) per wall second: cores busy. */
  serverCpuCores: RoundStat
  /** The client processes' own CPU (process.cpuUsage) per wall second. */
  clientCpuCores: RoundStat
  /** Every process on the machine (/proc/stat), other jobs included: cores busy. */
  machineBusyCores: RoundStat
  serverCpuUsPerOp: RoundStat
  clientCpuUsPerOp: RoundStat
  applied: AppliedCheck
}

/**
 * Whether the completions the run reports are in Redis: the chord counters (or the control's
 * INCR keys) read back after each round, summed, against the completions the clients counted.
 */
export type AppliedCheck =
  | { kind: 'not-checked'; reason: string }
  | { kind: 'counted'; reported: number; counted: number; roundsOff: number }
