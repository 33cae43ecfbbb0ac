import { performance } from 'node:perf_hooks'

/**
 * How an operation ended, as the client saw it:
 * - `ok`: acknowledged; Redis applied it;
 * - `fail`: refused before or by Redis, so it was not applied (a NotFound, an invalid input);
 * - `unknown`: a timeout, a reset, a retry limit: Redis may have applied it, may not have, and
 *   may still apply it later (ioredis resends in-flight commands after a reconnect).
 */
export type Outcome = 'ok' | 'fail' | 'unknown'

interface OperationIdentity {
  /** Position in the history, in start order. */
  id: number
  /** Who ran it: a worker, a connection. */
  process: string
  /** What it acted on: a task id, a key. */
  subject: string
  /** `performance.now()` ms when the call was made. */
  startedAt: number
}

/** One finished operation: start and end times, and its outcome with the value or the error. */
export type OperationRecord<Value> = OperationIdentity & { endedAt: number } & (
    | { outcome: 'ok'; value: Value }
    | { outcome: 'fail' | 'unknown'; error: string; errorKind: string }
  )

/** How the caller's classifier reads an error: its outcome, and a short kind for reports. */
export interface ErrorClass {
  outcome: 'fail' | 'unknown'
  /** E.g. a BackendError kind (`Connection`, `NotFound`), or `untyped` for anything else. */
  kind: string
}

/** An operation that was started and has not ended: after a run, a hang. */
export type PendingOperation = OperationIdentity

/**
 * Records every operation of a run as it happens, so a checker can later hold the final Redis
 * state against what clients were told. `classify` decides, per error, between `fail` (certainly
 * not applied) and `unknown` (maybe applied), and names its kind; the history knows nothing of
 * which client or suite produced the errors.
 */
export class OperationHistory<Value> {
  readonly #classify: (error: unknown) => ErrorClass
  readonly #clock: () => number
  readonly #records: Array<OperationRecord<Value>> = []
  readonly #pending = new Map<number, PendingOperation>()
  #nextId = 0

  constructor(classify: (error: unknown) => ErrorClass, clock: () => number = () => performance.now()) {
    this.#classify = classify
    this.#clock = clock
  }

  /** Runs `action`, records how it ended, and returns the record (it never throws the action's error). */
  async record(
    process: string,
    subject: string,
    action: () => Promise<Value>,
  ): Promise<OperationRecord<Value>> {
    const identity: OperationIdentity = { id: this.#nextId++, process, subject, startedAt: this.#clock() }
    this.#pending.set(identity.id, identity)
    let record: OperationRecord<Value>
    try {
      const value = await action()
      record = { ...identity, endedAt: this.#clock(), outcome: 'ok', value }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const { outcome, kind } = this.#classify(error)
      record = { ...identity, endedAt: this.#clock(), outcome, error: message, errorKind: kind }
    }
    this.#pending.delete(identity.id)
    this.#records.push(record)
    return record
  }

  /** Finished operations, in the order they ended. */
  get records(): ReadonlyArray<OperationRecord<Value>> {
    return this.#records
  }

  /** Operations still waiting for an outcome. */
  pending(): PendingOperation[] {
    return [...this.#pending.values()]
  }

  /** How many operations ended with each error kind. */
  errorKinds(): Record<string, number> {
    const kinds: Record<string, number> = {}
    for (const record of this.#records) {
      if (record.outcome !== 'ok') kinds[record.errorKind] = (kinds[record.errorKind] ?? 0) + 1
    }
    return kinds
  }

  counts(): Record<Outcome, number> {
    const counts: Record<Outcome, number> = { ok: 0, fail: 0, unknown: 0 }
    for (const record of this.#records) counts[record.outcome] += 1
    return counts
  }
}
