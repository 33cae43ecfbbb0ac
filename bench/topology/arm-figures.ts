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

/** The rounds' checks summed: what the clients reported against what Redis held, and the rounds where the two differed. */
function appliedCheck(rounds: readonly ArmRound[]): AppliedCheck {
  const reported = rounds.reduce((sum, round) => sum + round.units, 0)
  const counted = rounds.flatMap(round =>
    round.check.kind === 'counted' ? [{ units: round.units, ...round.check }] : [],
  )
  if (counted.length === rounds.length) {
    return {
      kind: 'counted',
      reported,
      counted: counted.reduce((sum, round) => sum + round.counted, 0),
      roundsOff: counted.filter(round => round.counted !== round.units).length,
    }
  }
  const readBacks = rounds.flatMap(round =>
    round.check.kind === 'read-back' ? [{ units: round.units, ...round.check }] : [],
  )
  if (readBacks.length !== rounds.length) throw new Error("an arm's rounds were checked in two ways")
  return {
    kind: 'read-back',
    reported,
    found: readBacks.reduce((sum, round) => sum + round.found, 0),
    sampled: readBacks.reduce((sum, round) => sum + round.sampled, 0),
    wrong: readBacks.reduce((sum, round) => sum + round.wrong, 0),
    firstWrong: readBacks.find(round => round.firstWrong !== null)?.firstWrong ?? null,
    roundsOff: readBacks.filter(round => round.found !== round.units || round.wrong > 0).length,
  }
}
