import type { CompletionRecord, FinalChordState } from '../../src/history/chord-check.ts'

/**
 * One contestant of the peers suite: a real fan-in barrier (or the raw-Redis control) behind the
 * smallest interface the runner needs. Each lives in one file under `adapters/`; the runner finds
 * them there, so adding a peer is adding a file.
 */
export type PeerAdapter = NodePeer | PythonPeer

/** One chord as the runner asks for it: `taskIds.length` header tasks under `chordId`. */
export interface ChordSpec {
  chordId: string
  taskIds: readonly string[]
}

/**
 * Whatever a peer's set-up hands to the processes that complete the chord (BullMQ: each child's
 * lock token). It crosses process boundaries, so it is plain JSON.
 */
export type Handoff = string | number | boolean | null | Handoff[] | { [key: string]: Handoff }

/** How one completion call ended, as the peer's own client saw it (see OperationHistory's outcomes). */
export type CompletionOutcome =
  | { outcome: 'ok'; completed: number; isLast: boolean }
  /** Refused before or by Redis: certainly not applied. */
  | { outcome: 'fail'; reason: string }
  /**
   * A timeout or reset: may have been applied. `redeliver`: whether a worker would run the task
   * again (after a connection error, yes; after BullMQ's "missing lock", no: the job is no longer
   * this worker's, and if this call's first send was applied it is complete).
   */
  | { outcome: 'unknown'; reason: string; redeliver: boolean }

/** Completes tasks of one chord from one process, one connection. */
export interface Completer {
  complete(taskId: string): Promise<CompletionOutcome>
  close(): Promise<void>
}

/** What the checker judges: the calls (with isLast as Redis evidence says) and the final chord. */
export interface SettledChord {
  records: CompletionRecord[]
  final: FinalChordState
}

interface PeerCommon {
  /** Stable id, used in results.json and on the command line. */
  readonly id: string
  /** One line for the table: the implementation and what exactly is called. */
  readonly label: string
  /** `control` is raw Redis (no barrier), measured for scale only. */
  readonly role: 'barrier' | 'control'
  /** Why this peer cannot run here (a missing interpreter), or null. */
  unavailableReason(): string | null
  /** Creates the chord with nothing completed (not timed). */
  createChord(url: string, chord: ChordSpec): Promise<Handoff>
  /**
   * The chord after a run. A peer that learns who fired only from Redis (BullMQ) sets `isLast`
   * on the records here; the others return them as they are.
   */
  settle(url: string, chord: ChordSpec, handoff: Handoff, records: CompletionRecord[]): Promise<SettledChord>
  /** Every key Redis holds for the chord's barrier (not the tasks' own results), for MEMORY USAGE. */
  barrierKeys(url: string, chord: ChordSpec, handoff: Handoff): Promise<string[]>
  /** Removes what createChord and the completions left behind. */
  deleteChord(url: string, chord: ChordSpec, handoff: Handoff): Promise<void>
}

/** A peer whose completions run in Node, in this process or in forked ones. */
export interface NodePeer extends PeerCommon {
  readonly runtime: 'node'
  /** A completer for this process; `taskIds` are the ones it will complete (set-up may look them up). */
  openCompleter(
    url: string,
    chord: ChordSpec,
    handoff: Handoff,
    taskIds: readonly string[],
  ): Promise<Completer>
}

/**
 * A peer whose completions run in Python processes: `script` (under bench/peers/python) speaks the
 * protocol of python-processes.ts. Each process completes its deliveries one at a time, as one
 * worker process does.
 */
export interface PythonPeer extends PeerCommon {
  readonly runtime: 'python'
  readonly script: string
}
