import { BackendError } from '../errors.ts'
import type { ChordBarrier } from './chord-barrier.ts'

/**
 * BROKEN ON PURPOSE: the spec's barrier as celers runs it. A bare INCR per completion, then a
 * separate read of the state and `count >= total`. A duplicate delivery is counted again, so the
 * chord completes early, and every completion past the total reports `isLast` again.
 */
export const seedIncrBarrier: ChordBarrier = {
  name: 'seed-incr',
  exact: false,
  async complete(client, keys) {
    const count = await client.incr(keys.counter)
    const state = await client.get(keys.state)
    if (state === null) throw new BackendError('NotFound', 'chord does not exist')
    const { total } = JSON.parse(state) as { total: number }
    return { completed: count, total, isLast: count >= total, counted: true }
  },
}
