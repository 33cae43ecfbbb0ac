/**
 * Judges one chord run: what every completion call returned, plus the count Redis holds at the
 * end. It knows nothing of which suite or barrier produced the run.
 */

/** What one `chordCompleteTask` call reported; times are from one monotonic clock (ms). */
export type CompletionRecord = { taskId: string; startedAt: number; endedAt: number } & (
  | { outcome: 'ok'; completed: number; isLast: boolean }
  /** The call failed before Redis could have applied it. */
  | { outcome: 'fail' }
  /** The call failed in a way that leaves open whether Redis applied it (a timeout, a reset). */
  | { outcome: 'unknown' }
)

export type ChordViolation =
  | 'lost-acknowledged'
  | 'duplicate-applied'
  | 'double-fired'
  | 'fired-early'
  | 'never-fired'

export interface ChordCheck {
  verdict: 'exact' | ChordViolation
  /** Every violation found, each with a sentence saying what was seen; empty when exact. */
  violations: Array<{ kind: ChordViolation; detail: string }>
  total: number
  /** Calls that reported `isLast: true`. */
  firedCount: number
  finalCount: number
  distinctAcknowledged: number
  calls: number
}

export function checkChord(
  total: number,
  records: readonly CompletionRecord[],
  finalCount: number,
): ChordCheck {
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
  const violations: ChordCheck['violations'] = []
  const add = (kind: ChordViolation, detail: string) => violations.push({ kind, detail })

  // Phase 1: the count. Every acknowledged task is in it, nothing outside the attempted ones is.
  if (finalCount < Math.min(acknowledged.size, total)) {
    add(
      'lost-acknowledged',
      `${acknowledged.size} distinct tasks were acknowledged but Redis counts ${finalCount}`,
    )
  }
  if (finalCount > attempted.size || maxReported > total) {
    add(
      'duplicate-applied',
      `Redis counts ${finalCount} (calls reported up to ${maxReported}) for ${attempted.size} distinct tasks, total ${total}`,
    )
  }
  // Phase 2: the callback. Once at most, and not before every task had at least started.
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
  if (fired.length === 0 && acknowledged.size >= total) {
    const unknown = records.some(record => record.outcome === 'unknown')
    add(
      'never-fired',
      `all ${total} tasks were acknowledged and no call reported isLast${unknown ? ' (some calls ended with an unknown outcome)' : ''}`,
    )
  }
  return {
    verdict: violations[0]?.kind ?? 'exact',
    violations,
    total,
    firedCount: fired.length,
    finalCount,
    distinctAcknowledged: acknowledged.size,
    calls: records.length,
  }
}
