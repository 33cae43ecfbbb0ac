import { runInterleaved } from '../src/measure/interleave.ts'
import type { OperationLatency } from '../src/report/sections/bench-data.ts'
import type { BenchTarget } from './bench-target.ts'
import { latencyArm, latencyFigures, percentileRatio } from './latency-figures.ts'
import type { OperationSpec } from './operations.ts'

export interface OperationRunSettings {
  rounds: number
  roundMs: number
  concurrency: number
  /** Leave the controls out: absolute figures only (the spec suite's own short run). @default false */
  withoutControls?: boolean
}

/** One operation and its controls, interleaved: figures for each, ratios of the subject to each control. */
export async function measureOperation(
  target: BenchTarget,
  operation: OperationSpec,
  settings: OperationRunSettings,
): Promise<OperationLatency> {
  const round = { roundMs: settings.roundMs, concurrency: settings.concurrency }
  const controlSpecs = settings.withoutControls ? [] : operation.controls
  const arms = [latencyArm(operation.operation, await operation.prepare(target), round)]
  for (const control of controlSpecs) {
    arms.push(latencyArm(control.control, await control.prepare(target), round))
  }
  const [subject, ...controls] = await runInterleaved(arms, { rounds: settings.rounds })
  if (subject === undefined) throw new Error('the interleaved run lost its subject arm')
  const subjectFigures = latencyFigures(subject.rounds)
  return {
    operation: operation.operation,
    concurrency: settings.concurrency,
    subject: subjectFigures,
    controls: controls.map((control, index) => {
      const target = controlSpecs[index]?.target
      const controlFigures = latencyFigures(control.rounds)
      return {
        control: control.arm.name,
        figures: controlFigures,
        p50: percentileRatio(subject.rounds, control.rounds, 50),
        p99: percentileRatio(subject.rounds, control.rounds, 99),
        p999Pooled: subjectFigures.us.p999 / controlFigures.us.p999,
        ...(target ? { target } : {}),
      }
    }),
  }
}
