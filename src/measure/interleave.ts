/**
 * Measures several arms (a subject and its controls, or one operation on several servers) in
 * short alternating rounds: round 0 runs A B C, round 1 B C A, round 2 C A B, … Every arm sees the
 * same slow minutes of a noisy machine, and rotating the order keeps "always runs first" (or
 * "always runs right after the expensive one") from favouring any arm.
 */

/** `warmup`: the unrecorded first pass, which an arm may keep shorter than a measured round. */
export type RoundPhase = 'warmup' | 'measured'

export interface Arm<Measurement> {
  name: string
  measure(phase: RoundPhase): Promise<Measurement>
}

export interface InterleaveOptions {
  /** Measured rounds; every arm runs once per round. */
  rounds: number
  /** One unrecorded pass over every arm first, to open connections, load scripts and warm the JIT. @default true */
  warmup?: boolean
  /** Called after each arm's measurement, e.g. for progress lines. */
  onMeasured?: (event: { arm: string; round: number; rounds: number }) => void
}

/** Each arm with its measurements, one per round in round order; arms in the order given. */
export async function runInterleaved<Measurement>(
  arms: ReadonlyArray<Arm<Measurement>>,
  options: InterleaveOptions,
): Promise<Array<{ arm: Arm<Measurement>; rounds: Measurement[] }>> {
  if (options.rounds < 1) throw new RangeError('at least one round is needed')
  if (new Set(arms.map(arm => arm.name)).size !== arms.length) throw new Error('arm names must be distinct')
  const results = arms.map(arm => ({ arm, rounds: [] as Measurement[] }))
  if (options.warmup ?? true) {
    for (const arm of arms) await arm.measure('warmup')
  }
  for (let round = 0; round < options.rounds; round += 1) {
    for (const result of rotation(results, round)) {
      result.rounds.push(await result.arm.measure('measured'))
      options.onMeasured?.({ arm: result.arm.name, round, rounds: options.rounds })
    }
  }
  return results
}

/** The arms in the order round `round` runs them: started `round` places further along. */
export function rotation<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return []
  const start = round % items.length
  return [...items.slice(start), ...items.slice(0, start)]
}
