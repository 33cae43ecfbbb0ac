import { Redis } from 'ioredis'
import type { NodePeer } from '../adapter.ts'

const counterKey = (chordId: string) => `chordlab-peers-control-${chordId}`

/**
 * The raw-Redis control: one INCR per completion and nothing else, measured in the same run as
 * the barriers so their numbers can be read against what Redis does at the least. It is no
 * barrier: `isLast` is `count === total`, so duplicates count again.
 */
export const peer: NodePeer = {
  id: 'control-incr',
  label: 'control: raw INCR (no barrier)',
  role: 'control',
  runtime: 'node',
  unavailableReason: () => null,
  async createChord(url, chord) {
    const redis = new Redis(url)
    try {
      await redis.set(counterKey(chord.chordId), 0, 'EX', 86_400)
    } finally {
      redis.disconnect()
    }
    return null
  },
  async openCompleter(url, chord) {
    // Errors reach the caller through each call's outcome; the listener keeps resets quiet.
    const redis = new Redis(url).on('error', () => {})
    const total = chord.taskIds.length
    return {
      async complete() {
        try {
          const completed = await redis.incr(counterKey(chord.chordId))
          return { outcome: 'ok', completed, isLast: completed === total }
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error)
          return { outcome: 'unknown', reason, redeliver: true }
        }
      },
      async close() {
        await redis.quit()
      },
    }
  },
  async settle(url, chord, _handoff, records) {
    const redis = new Redis(url)
    try {
      const count = await redis.get(counterKey(chord.chordId))
      return { records, final: { exists: count !== null, count: Number(count ?? 0), finisherTaskId: null } }
    } finally {
      redis.disconnect()
    }
  },
  barrierKeys: async (_url, chord) => [counterKey(chord.chordId)],
  async deleteChord(url, chord) {
    const redis = new Redis(url)
    try {
      await redis.del(counterKey(chord.chordId))
    } finally {
      redis.disconnect()
    }
  },
}
