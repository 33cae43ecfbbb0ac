/**
 * Judges one chord run: what every completion call returned, plus the chord as Redis holds it at
 * the end. It knows nothing of which suite, barrier or fault produced the run.
 */
import type { OperationRecord } from './operation-history.ts'

/** What one `chordCompleteTask` call reported; times are from one monotonic clock (ms). */
export type CompletionRecord = { taskId: string; startedAt: number; endedAt: number } & (
  | { outcome: 'ok'; completed: number; isLast: boolean }
  /** The call failed before Redis could have applied it. */
  | { outcome: 'fail' }
  /** The call failed in a way that leaves open whether Redis applied it (a timeout, a reset). */
  | { outcome: 'unknown' }
)

/** The chord as Redis holds it after a run, read straight from Redis (not through a fault). */
export interface FinalChordState {
  /** False when the chord's keys are gone: never created, expired, or lost by Redis. */
  exists: boolean
  /** The chord's counter (0 when it is gone). */
  count: number
  /**
   * The task whose call completed the chord, as the barrier recorded it in Redis; null when no
   * call did, or the barrier records none (the broken variants).
   */
  finisherTaskId: string | null
}

export type ChordViolation =
  | 'lost-acknowledged'
  | 'duplicate-applied'
  | 'double-fired'
  | 'fired-early'
  | 'never-fired'

export interface ChordCheck {
  /**
   * The first violation found; else `never-fired` when the callback never fired for a reason the
   * history shows (see `neverFiredReason`); else `exact`.
   */
  verdict: 'exact' | ChordViolation
  /** Every violation found, each with a sentence saying what was seen; empty when consistent. */
  violations: Array<{ kind: ChordViolation; detail: string }>
  /** Why no call reported isLast although the chord completed, when the history explains it; null otherwise. */
  neverFiredReason: string | null
  /** No violation: exact, or never fired with a reason. */
  consistent: boolean
  total: number
  /** Calls that reported `isLast: true`. */
  firedCount: number
  finalCount: number
  /** False when Redis no longer holds the chord. */
  chordExists: boolean
  /** Distinct tasks with at least one acknowledged (`ok`) call: the lower bound of the final count. */
  distinctAcknowledged: number
  /** Distinct tasks whose calls all ended `unknown`: the final count may include each, or not. */
  distinctUnknown: number
  /** Acknowledged distinct tasks (up to the total) that the final count does not hold. */
  acknowledgedLost: number
  calls: number
}

/** Turns recorded `chordCompleteTask` operations into completion records (the subject is the task id). */
export function completionRecords(
  operations: ReadonlyArray<OperationRecord<{ completed: number; isLast: boolean }>>,
): CompletionRecord[] {
  return operations.map(operation => {
    const base = { taskId: operation.subject, startedAt: operation.startedAt, endedAt: operation.endedAt }
    if (operation.outcome === 'ok') {
      const { completed, isLast } = operation.value
      return { ...base, outcome: 'ok', completed, isLast }
    }
    return { ...base, outcome: operation.outcome }
  })
}

/** `checkChordHistory` for a chord that still exists and whose finisher is not known. */
export function checkChord(
  total: number,
  records: readonly CompletionRecord[],
  finalCount: number,
): ChordCheck {
  return checkChordHistory(total, records, { exists: true, count: finalCount, finisherTaskId: null })
}

/**
 * Holds a chord's history against its final state:
 * `acknowledged <= final <= acknowledged + unknown` (distinct tasks), and the callback fired
 * exactly once, not before every task had been delivered, or, with a reason, never.
 */
export function checkChordHistory(
  total: number,
  records: readonly CompletionRecord[],
  final: FinalChordState,
): ChordCheck {
  // Phase 1: what the callers were told.
  const acknowledged = new Set<string>()
  const attempted = new Set<string>()
  const fired: Array<Extract<CompletionRecord, { outcome: 'ok' }>> = []
  let maxReported = 0
  for (const record of records) {
    if (record.outcome === 'fail') continue
    attempted.add(record.taskId)
    if (record.outcome === 'unknown') continue
    acknowledged.add(record.taskId)
    maxReported = Math.max(maxReported, record.completed)
    if (record.isLast) fired.push(record)
  }
  const finalCount = final.exists ? final.count : 0
  const violations: ChordCheck['violations'] = []
  const add = (kind: ChordViolation, detail: string) => violations.push({ kind, detail })

  // Phase 2: the count. Every acknowledged task is in it, nothing outside the attempted ones is.
  const acknowledgedLost = Math.max(0, Math.min(acknowledged.size, total) - finalCount)
  if (acknowledgedLost > 0) {
    const gone = final.exists ? '' : ' (the chord is gone from Redis)'
    add(
      'lost-acknowledged',
      `${acknowledged.size} distinct tasks were acknowledged but Redis counts ${finalCount}${gone}`,
    )
  }
  if (finalCount > attempted.size || maxReported > total) {
    add(
      'duplicate-applied',
      `Redis counts ${finalCount} (calls reported up to ${maxReported}) for ${attempted.size} distinct tasks, total ${total}`,
    )
  }

  // Phase 3: the callback. Once at most, and not before every task had at least started.
  if (fired.length > 1) add('double-fired', `${fired.length} calls reported isLast`)
  const firstFire = fired.reduce<number | undefined>(
    (first, record) => Math.min(first ?? record.endedAt, record.endedAt),
    undefined,
  )
  if (firstFire !== undefined) {
    const firstStart = new Map<string, number>()
    for (const record of records) {
      firstStart.set(
        record.taskId,
        Math.min(firstStart.get(record.taskId) ?? record.startedAt, record.startedAt),
      )
    }
    const late = [...firstStart].filter(([, startedAt]) => startedAt > firstFire)
    if (late.length > 0)
      add('fired-early', `isLast was reported before ${late.length} task(s) had been delivered at all`)
  }

  // Phase 4: never fired. Fine only when the history shows who finished and why nobody heard.
  let neverFiredReason: string | null = null
  if (fired.length === 0 && (acknowledged.size >= total || (final.exists && finalCount >= total))) {
    neverFiredReason = unheardFinisher(records, final)
    if (neverFiredReason === null) {
      const unknown = records.some(record => record.outcome === 'unknown')
      add(
        'never-fired',
        `all ${total} tasks were acknowledged and no call reported isLast${unknown ? ' (some calls ended with an unknown outcome)' : ''}`,
      )
    }
  }

  return {
    verdict: violations[0]?.kind ?? (neverFiredReason === null ? 'exact' : 'never-fired'),
    violations,
    neverFiredReason,
    consistent: violations.length === 0,
    total,
    firedCount: fired.length,
    finalCount,
    chordExists: final.exists,
    distinctAcknowledged: acknowledged.size,
    distinctUnknown: attempted.size - acknowledged.size,
    acknowledgedLost,
    calls: records.length,
  }
}

/**
 * The reason nobody learned the chord was complete, when Redis names the finishing task and
 * every call of that task that could have been the finisher ended `unknown`: its reply was lost,
 * and a redelivery (a new call) was rightly told it was a duplicate.
 */
function unheardFinisher(records: readonly CompletionRecord[], final: FinalChordState): string | null {
  const { finisherTaskId } = final
  if (!final.exists || finisherTaskId === null || final.count < 1) return null
  const calls = records.filter(record => record.taskId === finisherTaskId)
  if (!calls.some(record => record.outcome === 'unknown')) return null
  const redelivered = calls.filter(record => record.outcome === 'ok').length
  return (
    `the call that completed the chord (task ${finisherTaskId}) ended unknown, its reply lost` +
    (redelivered > 0 ? `; ${redelivered} redelivery(ies) were told it was already counted` : '') +
    '; Redis holds the chord complete, so a sweeper reading chordGetState can fire the callback'
  )
}
