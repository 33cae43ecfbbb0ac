import type { BarrierName, ChordBarrier } from './chord-barrier.ts'
import { naiveRmwBarrier } from './naive-rmw.ts'
import { referenceBarrier } from './reference.ts'
import { seedIncrBarrier } from './seed-incr.ts'

export const barriers: Readonly<Record<BarrierName, ChordBarrier>> = {
  reference: referenceBarrier,
  'seed-incr': seedIncrBarrier,
  'naive-rmw': naiveRmwBarrier,
}

export const barrierNames = Object.keys(barriers) as BarrierName[]

export type { BarrierName, ChordBarrier }
