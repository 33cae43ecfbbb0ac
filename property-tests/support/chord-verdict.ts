import { type CompletionRecord, checkChord } from '../../src/history/chord-check.ts'
import { progressBoundProblems } from './progress-bounds.ts'
import type { StoredChord } from './stored-chord.ts'

/**
 * Everything the chord properties require of one run, as sentences (empty when it was exact):
 * 1. the history checker's verdicts on the calls and the final count (src/history/chord-check.ts);
 * 2. every reply's `completed` within what had been delivered at that moment;
 * 3. Redis's own records agreeing with what the callers were told.
 */
export function judgeChordRun(
  total: number,
  records: readonly CompletionRecord[],
  stored: StoredChord,
): string[] {
  const finalCount = Number(stored.counter ?? 0)
  const check = checkChord(total, records, finalCount)
  return [
    ...check.violations.map(violation => `${violation.kind}: ${violation.detail}`),
    ...progressBoundProblems(total, records),
    ...storedStateProblems(records, stored, finalCount),
  ]
}

function storedStateProblems(
  records: readonly CompletionRecord[],
  stored: StoredChord,
  finalCount: number,
): string[] {
  const problems: string[] = []
  const disagree = (detail: string) => problems.push(`stored-disagrees: ${detail}`)
  if (stored.state === null) {
    disagree('chordGetState finds no chord after the run')
    return problems
  }
  const acknowledged = records.filter(record => record.outcome === 'ok')
  const highestReported = Math.max(0, ...acknowledged.map(record => record.completed))
  if (highestReported !== finalCount) {
    disagree(`the highest count any call reported is ${highestReported}, the counter holds ${finalCount}`)
  }
  // Only barriers that keep a members hash can be held to it (seed-incr keeps none).
  if (stored.memberTasks.length > 0 && stored.memberTasks.length !== finalCount) {
    disagree(`the members hash lists ${stored.memberTasks.length} task(s), the counter holds ${finalCount}`)
  }
  const delivered = new Set(records.map(record => record.taskId))
  const strangers = stored.memberTasks.filter(task => !delivered.has(task))
  if (strangers.length > 0) disagree(`the members hash lists undelivered task(s) ${strangers.join(', ')}`)
  const firedTasks = acknowledged.filter(record => record.isLast).map(record => record.taskId)
  if (stored.finisherTask !== null && !firedTasks.every(task => task === stored.finisherTask)) {
    disagree(
      `the members hash names ${stored.finisherTask} as finisher, isLast went to ${firedTasks.join(', ')}`,
    )
  }
  if (stored.finisherTask !== null && firedTasks.length === 0) {
    disagree(`the members hash names ${stored.finisherTask} as finisher, but no call reported isLast`)
  }
  return problems
}
