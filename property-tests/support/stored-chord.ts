import type { RedisResultBackend } from '../../src/backend/backend.ts'
import type { RedisClient } from '../../src/backend/connection.ts'

/** What Redis holds for one chord after a run, read behind the barrier's back. */
export interface StoredChord {
  /** `chordGetState`: total and live count, or null when the chord is gone. */
  state: { total: number; completed: number } | null
  /** The counter key exactly as stored (null when absent). */
  counter: string | null
  /** Task ids in the members hash (the reference barrier's record of what it counted). */
  memberTasks: string[]
  /** The task id of the call the members hash names as the one that completed the chord. */
  finisherTask: string | null
}

export async function readStoredChord(
  backend: RedisResultBackend,
  client: RedisClient,
  chordId: string,
): Promise<StoredChord> {
  const keys = backend.keys.chord(chordId)
  const [state, counter, members] = await Promise.all([
    backend.chordGetState(chordId),
    client.get(keys.counter),
    client.hgetall(keys.members),
  ])
  // Task ids never contain a space, so the hash's own fields (' total', ' finisher') cannot collide.
  const memberTasks = Object.keys(members).filter(field => !field.startsWith(' '))
  const finisher = members[' finisher']
  return {
    state: state && { total: state.total, completed: state.completed },
    counter,
    memberTasks: memberTasks.sort(),
    finisherTask: finisher === undefined ? null : (finisher.split(' ')[0] ?? null),
  }
}

export function describeStored(stored: StoredChord): string {
  const state = stored.state === null ? 'gone' : `${stored.state.completed}/${stored.state.total}`
  const finisher = stored.finisherTask === null ? '' : `, finisher ${stored.finisherTask}`
  return `Redis at the end: chordGetState ${state}, counter ${JSON.stringify(stored.counter)}, members [${stored.memberTasks.join(' ')}]${finisher}`
}
