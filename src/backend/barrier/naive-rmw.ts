import { BackendError } from '../errors.ts'
import type { ChordBarrier } from './chord-barrier.ts'

/**
 * BROKEN ON PURPOSE: ignores duplicates correctly (HSETNX), then counts with a read-modify-write
 * from the client: GET the counter, add one, SET it. Two workers that read the same value both
 * write the same count, so completions are lost under concurrency and the chord may never finish.
 */
export const naiveRmwBarrier: ChordBarrier = {
  name: 'naive-rmw',
  exact: false,
  async complete(client, keys, taskId) {
    const totalText = await client.hget(keys.members, ' total')
    if (totalText === null) throw new BackendError('NotFound', 'chord does not exist')
    const total = Number(totalText)
    const isNew = (await client.hsetnx(keys.members, taskId, '1')) === 1
    const current = Number((await client.get(keys.counter)) ?? 0)
    if (!isNew) return { completed: current, total, isLast: false, counted: false }
    const completed = current + 1
    await client.set(keys.counter, completed, 'KEEPTTL')
    return { completed, total, isLast: completed === total, counted: true }
  },
}
