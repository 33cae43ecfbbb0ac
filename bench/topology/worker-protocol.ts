import type { BarrierName } from '../../src/backend/barrier/index.ts'
import type { NodeAddress } from '../../src/backend/target.ts'
import type { TopologyOperation } from '../../src/report/sections/topology-data.ts'
import type { StoreName } from './stores.ts'

/**
 * Where a client process connects, and through what: the backend (on a cluster, or on the plain
 * server with the spec's key names) or raw ioredis commands (the control, on the plain server).
 */
export type TargetSpec =
  | { id: string; driver: 'backend'; redis: BackendConnection }
  | { id: string; driver: 'raw'; url: string }

/** What a backend arm's RedisResultBackend is opened on: the plain server's URL, or a cluster's nodes. */
export type BackendConnection = string | { cluster: NodeAddress[] }

/** One arm of a pass: an operation on one target. */
export interface ArmKey {
  operation: TopologyOperation
  targetId: string
}

/** What every client process runs with. */
export interface WorkloadSettings {
  storeBatch: number
  storeInFlight: number
  completionsInFlight: number
  chordsPerProcess: number
  barrier: BarrierName
  /** Every n-th completion call re-delivers the task completed before it (0: never). */
  redeliverEvery: number
  /** How the backend arms store results; only `reference` stores what it reports (stores.ts). */
  store: StoreName
  /** Put in front of every key, so keys of one run never meet another's. */
  namespace: string
}

/** Parent to client process. Each is answered before the parent sends the next to that process. */
export type WorkerRequest =
  /** Connect to every target (lazily: the warm-up round makes the first calls). Answer: null. */
  | { type: 'open'; worker: number; targets: TargetSpec[]; settings: WorkloadSettings }
  /** Untimed set-up of the arm's next round (fresh chords or keys, the round's result ids). Answer: PreparedRound. */
  | { type: 'prepare'; arm: ArmKey }
  /** The timed round. Answer: ClientRound. */
  | { type: 'run'; arm: ArmKey; timeMs: number }
  /** Close every connection. Answer: null. */
  | { type: 'close' }

export interface PreparedRound {
  /**
   * Keys holding integers whose sum after the round must equal the units the round reports (the
   * chords' counters, the control's INCR keys); empty for stores.
   */
  counterKeys: string[]
}

/**
 * The results a process reports stored in one round: task ids `${idPrefix}${n}` for n from 0 to
 * count - 1 (ids are handed out in order and every call finishes before the round ends).
 */
export interface StoredIds {
  idPrefix: string
  count: number
}

/** One client process's part of a round. Times on CLOCK_MONOTONIC (bench/support/monotonic-clock.ts). */
export interface ClientRound {
  /** Results stored, or distinct tasks completed (a re-delivery counts 0). */
  units: number
  startedAt: number
  endedAt: number
  /** This process's CPU (user + system) during the round, µs. */
  cpuUs: number
  /** What a store round reports stored, for the read-back; null for completions. */
  stored: StoredIds | null
}
