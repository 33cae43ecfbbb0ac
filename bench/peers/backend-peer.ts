import { Redis } from 'ioredis'
import { RedisResultBackend } from '../../src/backend/backend.ts'
import type { BarrierName } from '../../src/backend/barrier/index.ts'
import { isBackendError } from '../../src/backend/errors.ts'
import { KeyLayout } from '../../src/backend/keys.ts'
import type { CompletionOutcome, NodePeer } from './adapter.ts'

const layout = new KeyLayout()

/**
 * A peer that is chordlab's own backend (`RedisResultBackend.chordCompleteTask`) with one of its
 * barriers: the reference, or the spec's `seed-incr` as the spec's implementation runs it.
 */
export function backendPeer(id: string, barrier: BarrierName, label: string): NodePeer {
  return {
    id,
    label,
    role: 'barrier',
    runtime: 'node',
    unavailableReason: () => null,
    async createChord(url, chord) {
      const backend = new RedisResultBackend(url, { barrier })
      try {
        await backend.chordInit({ chordId: chord.chordId, total: chord.taskIds.length })
      } finally {
        await backend.close()
      }
      return null
    },
    async openCompleter(url, chord) {
      const backend = new RedisResultBackend(url, { barrier })
      return {
        async complete(taskId): Promise<CompletionOutcome> {
          try {
            const { completed, isLast } = await backend.chordCompleteTask(chord.chordId, taskId)
            return { outcome: 'ok', completed, isLast }
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error)
            // A lost reply may have been applied (ioredis resends it): unknown, as chord-race.ts says.
            return isBackendError(error, 'Connection')
              ? { outcome: 'unknown', reason, redeliver: true }
              : { outcome: 'fail', reason }
          }
        },
        close: () => backend.close(),
      }
    },
    async settle(url, chord, _handoff, records) {
      const keys = layout.chord(chord.chordId)
      const redis = new Redis(url)
      try {
        const [count, finisher, exists] = await Promise.all([
          redis.get(keys.counter),
          redis.hget(keys.members, ' finisher'),
          redis.exists(keys.state),
        ])
        return {
          records,
          final: {
            exists: exists === 1,
            count: Number(count ?? 0),
            // The reference barrier records '<task id> <call token>'; the broken ones record nothing.
            finisherTaskId: finisher === null ? null : (finisher.split(' ')[0] ?? null),
          },
        }
      } finally {
        redis.disconnect()
      }
    },
    async barrierKeys(_url, chord) {
      const keys = layout.chord(chord.chordId)
      return [keys.state, keys.counter, keys.members]
    },
    async deleteChord(url, chord) {
      const backend = new RedisResultBackend(url)
      try {
        await backend.chordDelete(chord.chordId)
      } finally {
        await backend.close()
      }
    },
  }
}
