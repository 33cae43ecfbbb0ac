import { isDeepStrictEqual } from 'node:util'
import type { Redis } from 'ioredis'
import type { RedisResultBackend } from '../../src/backend/backend.ts'
import { isBackendError } from '../../src/backend/errors.ts'
import type { StoredIds } from './worker-protocol.ts'
import { rawDocument, rawResultKey, storedResult } from './workloads.ts'

/** What the parent found after a store round. */
export interface ReadBack {
  /** Keys the target holds after the round (it held none before it). */
  found: number
  /** Ids read back and compared with what was stored. */
  sampled: number
  /** Of those, the ones missing or holding something else. */
  wrong: number
  /** The first wrong one, in words; null when none was. */
  firstWrong: string | null
}

/** Reads the results of `ids` back and says, per id, what is wrong with it (null: it is what was stored). */
export type SampleReader = (ids: readonly string[]) => Promise<Array<string | null>>

/**
 * Empties a target before a store round: FLUSHALL on the plain server or on every primary. The
 * sweep started these servers and holds nothing else in them; synchronous, so no key is freed in
 * the background during the timed round.
 */
export async function emptyTarget(primaries: readonly Redis[]): Promise<void> {
  await Promise.all(primaries.map(primary => primary.flushall('SYNC')))
}

/**
 * The read-back of a store round, outside the timed window. Every key on the target's primaries
 * is counted (the target was emptied before the round, so this must equal the results reported),
 * and a random sample of up to `sampleSize` reported ids is read back and compared with what was
 * stored: a whole read of every result would cost more than the round.
 */
export async function readBack(context: {
  primaries: readonly Redis[]
  stored: readonly StoredIds[]
  sampleSize: number
  read: SampleReader
}): Promise<ReadBack> {
  const sizes = await Promise.all(context.primaries.map(primary => primary.dbsize()))
  const ids = sampleIds(context.stored, context.sampleSize)
  const problems = ids.length === 0 ? [] : await context.read(ids)
  const wrong = problems.filter(problem => problem !== null)
  return {
    found: sizes.reduce((sum, size) => sum + size, 0),
    sampled: ids.length,
    wrong: wrong.length,
    firstWrong: wrong[0] ?? null,
  }
}

/** `size` distinct ids drawn at random from the ranges (all of them when there are no more), by Floyd's algorithm. */
function sampleIds(stored: readonly StoredIds[], size: number): string[] {
  const total = stored.reduce((sum, range) => sum + range.count, 0)
  const picked = new Set<number>()
  for (let bound = total - Math.min(size, total); bound < total; bound += 1) {
    const candidate = Math.floor(Math.random() * (bound + 1))
    picked.add(picked.has(candidate) ? bound : candidate)
  }
  return [...picked].sort((a, b) => a - b).map(position => idAt(stored, position))
}

function idAt(stored: readonly StoredIds[], position: number): string {
  let offset = position
  for (const range of stored) {
    if (offset < range.count) return `${range.idPrefix}${offset}`
    offset -= range.count
  }
  throw new RangeError(`position ${position} is past the ids stored`)
}

/** Through the backend's getResults: each result must decode to exactly the document stored under its id. */
export function backendReader(backend: RedisResultBackend): SampleReader {
  return async ids => {
    let metas: Awaited<ReturnType<RedisResultBackend['getResults']>>
    try {
      metas = await backend.getResults(ids)
    } catch (error) {
      // getResults refuses the whole batch when one document does not decode; every id goes unconfirmed.
      if (isBackendError(error, 'Serialization')) return ids.map(() => error.message)
      throw error
    }
    return metas.map((meta, index) => {
      const id = ids[index] as string
      if (meta === null) return `${id} missing`
      return isDeepStrictEqual(meta, storedResult(id)) ? null : `${id} holds a ${meta.result.state} result`
    })
  }
}

/** The raw control's keys: each must hold the document's bytes. */
export function rawReader(client: Redis, namespace: string): SampleReader {
  return async ids => {
    const values = await client.mget(ids.map(id => rawResultKey(namespace, id)))
    return values.map((value, index) => {
      const id = ids[index] as string
      if (value === null) return `${id} missing`
      return value === rawDocument ? null : `${id} holds other bytes`
    })
  }
}
