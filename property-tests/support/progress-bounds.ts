import type { CompletionRecord } from '../../src/history/chord-check.ts'

type Acknowledged = Extract<CompletionRecord, { outcome: 'ok' }>

const shownProblems = 3

/**
 * "completed equals the number of distinct tasks delivered so far": with concurrent callers,
 * "so far" is an interval, so each reply is held to two bounds on the run's clock:
 * - at least the distinct tasks acknowledged before the call started, plus its own task (the call
 *   ran after all of those, and its own task is counted by it or was counted before it);
 * - at most the distinct tasks whose calls had started before this reply arrived (nothing that
 *   was not yet delivered can be in the count),
 * both capped at `total`. `checkChord` judges the end state; this judges every reply on the way.
 */
export function progressBoundProblems(total: number, records: readonly CompletionRecord[]): string[] {
  const acknowledged = records.filter((record): record is Acknowledged => record.outcome === 'ok')
  const firstAcknowledged = firstTimes(acknowledged, record => record.endedAt)
  const firstStarted = firstTimes(
    records.filter(record => record.outcome !== 'fail'),
    record => record.startedAt,
  )
  const acknowledgedTimes = [...firstAcknowledged.values()].sort((a, b) => a - b)
  const startedTimes = [...firstStarted.values()].sort((a, b) => a - b)
  const problems: string[] = []
  for (const record of acknowledged) {
    const ownAlreadyIn = (firstAcknowledged.get(record.taskId) ?? Infinity) < record.startedAt
    const least = Math.min(total, countBefore(acknowledgedTimes, record.startedAt) + (ownAlreadyIn ? 0 : 1))
    const most = Math.min(total, countBefore(startedTimes, record.endedAt))
    const call = `${record.taskId} (t=${instant(record.startedAt)}..${instant(record.endedAt)}) reported completed ${record.completed}`
    if (record.completed < least) {
      problems.push(
        `progress-behind: ${call}, but ${least} distinct task(s) were already in (acknowledged, or its own)`,
      )
    } else if (record.completed > most) {
      problems.push(`progress-ahead: ${call}, but only ${most} distinct task(s) had been delivered by then`)
    }
  }
  if (problems.length <= shownProblems) return problems
  return [
    ...problems.slice(0, shownProblems),
    `… and ${problems.length - shownProblems} more progress problems`,
  ]
}

/** Logical clocks tick in whole numbers; a real clock is shown to the microsecond. */
function instant(time: number): string {
  return Number.isInteger(time) ? String(time) : time.toFixed(3)
}

/** The earliest `time` per task id. */
function firstTimes(
  records: readonly CompletionRecord[],
  time: (record: CompletionRecord) => number,
): Map<string, number> {
  const first = new Map<string, number>()
  for (const record of records) {
    first.set(record.taskId, Math.min(first.get(record.taskId) ?? Infinity, time(record)))
  }
  return first
}

/** How many of the ascending `times` are strictly before `instant`. */
function countBefore(times: readonly number[], instant: number): number {
  let low = 0
  let high = times.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((times[middle] as number) < instant) low = middle + 1
    else high = middle
  }
  return low
}
