import { roundStat } from '../../src/measure/ratio.ts'
import type { AppliedCheck, TopologyArm } from '../../src/report/sections/topology-data.ts'
import type { ArmRound } from './measure-round.ts'

/** An arm's rounds summarised for the section: every figure as median, range and rounds. */
export function armFigures(rounds: readonly ArmRound[]): TopologyArm {
  const stat = (pick: (round: ArmRound) => number) => roundStat(rounds.map(pick))
  return {
    perSecond: stat(round => round.perSecond),
    serverCpuCores: stat(round => round.serverCpuCores),
    clientCpuCores: stat(round => round.clientCpuCores),
    machineBusyCores: stat(round => round.machineBusyCores),
    serverCpuUsPerOp: stat(round => round.serverCpuUsPerOp),
    clientCpuUsPerOp: stat(round => round.clientCpuUsPerOp),
    applied: appliedCheck(rounds),
  }
}

/** Counted back when every round was: completions reported against the counters' sum, over the rounds. */
function appliedCheck(rounds: readonly ArmRound[]): AppliedCheck {
  const counted = rounds.flatMap(round =>
    round.counted === null ? [] : [{ ...round, counted: round.counted }],
  )
  if (counted.length < rounds.length) {
    return {
      kind: 'not-checked',
      reason: 'results overwrite a cycle of ids; only completions are counted back',
    }
  }
  return {
    kind: 'counted',
    reported: counted.reduce((sum, round) => sum + round.units, 0),
    counted: counted.reduce((sum, round) => sum + round.counted, 0),
    roundsOff: counted.filter(round => round.counted !== round.units).length,
  }
}
