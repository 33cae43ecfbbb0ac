import { type Arm, runInterleaved } from '../src/measure/interleave.ts'
import { measureRateRound, type RateRound } from '../src/measure/rate-round.ts'
import type { RateStep } from './throughput-workloads.ts'

/** The warm-up pass is capped at this, however long a measured round is. */
const warmupMs = 150

/** Prepares steps one by one; when one fails, those already prepared are closed. */
export async function prepareSteps(
  specs: ReadonlyArray<{ name: string; prepare: () => Promise<RateStep> }>,
): Promise<Array<{ name: string; step: RateStep }>> {
  const prepared: Array<{ name: string; step: RateStep }> = []
  try {
    for (const spec of specs) prepared.push({ name: spec.name, step: await spec.prepare() })
    return prepared
  } catch (error) {
    await Promise.all(prepared.map(({ step }) => step.close()))
    throw error
  }
}

/** Rates of several prepared steps, measured interleaved; closes every step afterwards. */
export async function measureRates(
  prepared: ReadonlyArray<{ name: string; step: RateStep }>,
  settings: { rounds: number; roundMs: number },
): Promise<RateRound[][]> {
  try {
    const results = await runInterleaved(
      prepared.map(({ name, step }) => rateArm(name, step, settings.roundMs)),
      { rounds: settings.rounds },
    )
    return results.map(result => result.rounds)
  } finally {
    await Promise.all(prepared.map(({ step }) => step.close()))
  }
}

function rateArm(name: string, prepared: RateStep, roundMs: number): Arm<RateRound> {
  return {
    name,
    measure: phase =>
      measureRateRound(prepared.step, {
        timeMs: phase === 'warmup' ? Math.min(warmupMs, roundMs) : roundMs,
        inFlight: prepared.inFlight,
      }),
  }
}
