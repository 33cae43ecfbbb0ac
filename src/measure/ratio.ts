import { median, percentileOfSorted, sortedCopy } from './percentiles.ts'

/**
 * One figure per measured round, summarised. Absolute times drift on a shared machine (other
 * processes, CPU frequency, the page cache); a subject and its control measured back to back in
 * the same round drift together, so their per-round ratio is what stays put.
 */
export interface RoundStat {
  /** The median over rounds: the figure reported and gated. */
  median: number
  /** The smallest and largest round: the within-run spread. */
  min: number
  max: number
  /**
   * How precisely the rounds pin the median down: its standard error, estimated robustly from
   * the rounds' interquartile range (σ ≈ IQR / 1.349; SE of a median ≈ 1.2533 σ / √rounds), so
   * one wild round does not inflate it. 0 with a single round.
   */
  standardError: number
  perRound: number[]
}

export function roundStat(perRound: readonly number[]): RoundStat {
  if (perRound.length === 0) throw new RangeError('no rounds to summarise')
  const sorted = sortedCopy(perRound)
  const sigma = (percentileOfSorted(sorted, 75) - percentileOfSorted(sorted, 25)) / 1.349
  return {
    median: median(perRound),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    standardError: (1.2533 * sigma) / Math.sqrt(sorted.length),
    perRound: [...perRound],
  }
}

/** `subject[i] / control[i]` for every round i, summarised; both lists hold one figure per round. */
export function ratioAcrossRounds(subject: readonly number[], control: readonly number[]): RoundStat {
  if (subject.length !== control.length) {
    throw new RangeError(`${subject.length} subject rounds against ${control.length} control rounds`)
  }
  return roundStat(subject.map((value, round) => value / (control[round] as number)))
}
