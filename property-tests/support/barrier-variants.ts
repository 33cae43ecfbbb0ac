import {
  type BarrierName,
  barrierNames,
  barriers,
  type ChordBarrier,
} from '../../src/backend/barrier/index.ts'
import type { Variant } from './definition.ts'

const about: Record<BarrierName, string> = {
  reference: "the backend's barrier: one Lua script, idempotent per task id, one isLast per chord",
  'seed-incr': "broken on purpose: the spec's bare INCR, which counts duplicate deliveries and resends again",
  'naive-rmw':
    'broken on purpose: deduplicates, then counts with GET and SET from the client, losing completions when round trips interleave',
}

/** Every barrier as a variant of the chord properties: the exact one must hold, the others be caught. */
export const barrierVariants: readonly Variant[] = barrierNames.map(name => ({
  name,
  expectation: barriers[name].exact ? 'holds' : 'fails',
  about: about[name],
}))

export function barrierOf(variant: Variant): ChordBarrier {
  const barrier = barriers[variant.name as BarrierName] as ChordBarrier | undefined
  if (barrier === undefined) throw new Error(`no barrier named ${JSON.stringify(variant.name)}`)
  return barrier
}
