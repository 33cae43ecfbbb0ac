import type { Arm } from '../src/measure/interleave.ts'
import { type LatencyRound, measureLatencyRound } from '../src/measure/latency-round.ts'
import {
  percentileCurve,
  percentileOfSorted,
  sortedCopy,
  summarizeSamples,
} from '../src/measure/percentiles.ts'
import { ratioAcrossRounds } from '../src/measure/ratio.ts'
import type { LatencyFigures, RoundStat } from '../src/report/sections/bench-data.ts'

/** What one timed call does; `beforeEach` runs before every call, outside the timed window. */
export interface TimedCall {
  call: () => Promise<unknown>
  beforeEach?: () => Promise<void>
}

/** The warm-up pass is capped at this, however long a measured round is. */
const warmupMs = 100
/** A round times at least this many calls: a usable median per round even for a 25 ms batch call. */
const minimumSamplesPerRound = 20

/** An interleaving arm that times `timed` with tinybench for one round each time it is measured. */
export function latencyArm(
  name: string,
  timed: TimedCall,
  round: { roundMs: number; concurrency: number },
): Arm<LatencyRound> {
  return {
    name,
    measure: phase =>
      measureLatencyRound(name, timed.call, {
        timeMs: phase === 'warmup' ? Math.min(warmupMs, round.roundMs) : round.roundMs,
        concurrency: round.concurrency,
        minimumSamples: minimumSamplesPerRound,
        ...(timed.beforeEach ? { beforeEach: timed.beforeEach } : {}),
      }),
  }
}

/** Every round's samples together: the absolute figures of one arm. */
export function latencyFigures(rounds: readonly LatencyRound[]): LatencyFigures {
  const samples = rounds.flatMap(round => round.samplesUs)
  const wallMs = rounds.reduce((sum, round) => sum + round.wallMs, 0)
  const summary = summarizeSamples(samples)
  return {
    samples: summary.count,
    opsPerSecond: wallMs > 0 ? summary.count / (wallMs / 1000) : 0,
    rmePercent: summary.rmePercent,
    us: {
      mean: summary.mean,
      min: summary.min,
      p50: summary.p50,
      p75: summary.p75,
      p99: summary.p99,
      p999: summary.p999,
      max: summary.max,
    },
    curve: percentileCurve(samples),
  }
}

/** `subject / reference` at one percentile, round by round. */
export function percentileRatio(
  subject: readonly LatencyRound[],
  reference: readonly LatencyRound[],
  percent: number,
): RoundStat {
  return ratioAcrossRounds(roundPercentiles(subject, percent), roundPercentiles(reference, percent))
}

function roundPercentiles(rounds: readonly LatencyRound[], percent: number): number[] {
  return rounds.map(round => percentileOfSorted(sortedCopy(round.samplesUs), percent))
}
