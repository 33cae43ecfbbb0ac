import { spawnSync } from 'node:child_process'
import { Redis } from 'ioredis'
import { KeyLayout } from '../../../src/backend/keys.ts'
import type { PythonPeer } from '../adapter.ts'
import { pythonBinary, runPythonAction } from '../child-run.ts'

const script = 'celery_chord_peer.py'
const layout = new KeyLayout()
let unavailable: string | null | undefined

/**
 * Celery's Redis chord counter: Celery's own `RedisBackend.on_chord_part_return` (Debian's
 * python3-celery), called from Python processes the way a worker calls it after each header task
 * (see python/celery_chord_peer.py). The chord id is Celery's group id; its barrier lives in
 * `celery-taskset-meta-<gid>.s` (size) and `.j` (a zset of every part's encoded result).
 *
 * Celery deletes the chord's keys when it fires, so the chord's final count is what the firing
 * call handed the body: the number of header results Celery joined (the `completed` the script
 * reports on that call). Before firing, it is the zset's size.
 */
export const peer: PythonPeer = {
  id: 'celery-redis',
  label: 'Celery RedisBackend.on_chord_part_return (MULTI ZADD/ZCOUNT/GET/GET/EXPIRE×3)',
  role: 'barrier',
  runtime: 'python',
  script,
  unavailableReason() {
    if (unavailable !== undefined) return unavailable
    const probe = spawnSync(pythonBinary, ['-c', 'import celery, redis'], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    unavailable =
      probe.status === 0
        ? null
        : `${pythonBinary} cannot import celery and redis (apt-get install python3-celery python3-redis)`
    return unavailable
  },
  async createChord(url, chord) {
    await runPythonAction(script, {
      action: 'create',
      redisUrl: url,
      groupId: chord.chordId,
      taskIds: chord.taskIds,
    })
    return null
  },
  async settle(url, chord, _handoff, records) {
    const firstFire = records.find(record => record.outcome === 'ok' && record.isLast)
    if (firstFire?.outcome === 'ok') {
      return {
        records,
        final: { exists: true, count: firstFire.completed, finisherTaskId: firstFire.taskId },
      }
    }
    const keys = layout.celeryChord(chord.chordId)
    const redis = new Redis(url)
    try {
      const [size, joined] = await Promise.all([redis.exists(keys.size), redis.zcard(keys.joined)])
      return { records, final: { exists: size === 1, count: joined, finisherTaskId: null } }
    } finally {
      redis.disconnect()
    }
  },
  async barrierKeys(_url, chord) {
    const keys = layout.celeryChord(chord.chordId)
    return [keys.size, keys.joined, keys.added]
  },
  async deleteChord(url, chord) {
    const keys = layout.celeryChord(chord.chordId)
    const redis = new Redis(url)
    try {
      await redis.del(keys.size, keys.joined, keys.added)
    } finally {
      redis.disconnect()
    }
  },
}
