import type { RedisClient } from '../connection.ts'
import type { ChordKeys } from '../keys.ts'
import type { ChordProgress } from '../types.ts'

/**
 * How `chordCompleteTask` counts a completion. `reference` is the backend's barrier; the others
 * are deliberately broken test subjects that the property and chaos suites must catch.
 */
export type BarrierName = 'reference' | 'seed-incr' | 'naive-rmw'

export interface ChordBarrier {
  readonly name: BarrierName
  /** True only for the variant users should run. */
  readonly exact: boolean
  complete(client: RedisClient, keys: ChordKeys, taskId: string): Promise<ChordProgress>
}
