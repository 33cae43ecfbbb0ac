import type { RoundStat } from './bench-data.ts'

/**
 * `sections.topology` of results.json: the backend's throughput on Redis Clusters of several
 * sizes, from one client process and from several, against the same backend workload on one
 * plain redis-server and raw commands on that server, all measured in the same run
 * (`chordlab bench --topology cluster`, bench/topology/).
 *
 * Versioning (`version`): adding a field keeps the version; renaming, removing or changing the
 * meaning of one bumps it. v2 (from v1): every pass has `backendSingle`, clusters have
 * `ratioToBackendSingle`, settings have `store` and `readBackSample`, and `applied` checks stores
 * too (kind `read-back`; v1's `not-checked` is gone).
 */
export const topologySectionVersion = 'chordlab.topology/v2'

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
  /** Measured rounds per pass; every arm (each cluster, the backend on the plain server, the control) runs once per round. */
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
  /** How the backend arms stored results (only `reference` stores what it reports; others are test subjects). */
  store: string
  /** Stored results read back and compared per round and arm (over all processes). */
  readBackSample: number
  /** CPU cores of the machine, for the CPU columns. */
  cores: number
}

export interface TopologyPass {
  operation: TopologyOperation
  unit: string
  processes: number
  /** How the backend is driven (on the clusters and on the plain server alike), in words. */
  method: string
  /** Raw ioredis commands on the plain redis-server: the noise-normalising reference of the pass. */
  control: TopologyArm & { method: string }
  /**
   * The backend's own workload on the same plain redis-server (one connection, the spec's key
   * names): what the backend costs without a cluster. `ratioToControl`: the backend's own cost.
   */
  backendSingle: TopologyArm & { ratioToControl: RoundStat }
  clusters: ClusterArm[]
}

/**
 * A cluster's figures in one pass. `ratioToControl` against the raw control; `ratioToBackendSingle`
 * against the backend on the plain server: what the cluster itself costs (median of per-round ratios).
 */
export type ClusterArm = TopologyArm & {
  primaries: number
  nodes: number
  ratioToControl: RoundStat
  ratioToBackendSingle: RoundStat
}

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

/** Whether the work the clients report is in Redis, checked after every round outside the timed window. */
export type AppliedCheck =
  /**
   * Completions: the chord counters (or the control's INCR keys) summed, against the completions
   * the clients counted. `roundsOff`: rounds where the two differed.
   */
  | { kind: 'counted'; reported: number; counted: number; roundsOff: number }
  /**
   * Stores: the target is emptied before each round; after it, every key on its primaries is
   * counted (`found`, against the results the clients reported stored) and `sampled` of the
   * reported ids are read back (the backend's getResults; GET for the control) and compared with
   * what was stored. `wrong`: sampled ids missing or holding something else; `firstWrong` names
   * the first. `roundsOff`: rounds with found ≠ reported or a wrong sample.
   */
  | {
      kind: 'read-back'
      reported: number
      found: number
      sampled: number
      wrong: number
      firstWrong: string | null
      roundsOff: number
    }
