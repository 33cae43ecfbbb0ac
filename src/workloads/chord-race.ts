import { performance } from 'node:perf_hooks'
import { type BackendOptions, RedisResultBackend } from '../backend/backend.ts'
import { isBackendError } from '../backend/errors.ts'
import type { RedisTarget } from '../backend/target.ts'
import { type ChordCheck, type CompletionRecord, checkChord } from '../history/chord-check.ts'
import { seededRandom, shuffleInPlace } from './random.ts'

export interface ChordRaceOptions {
  /** Where every worker connects: a Redis URL, or a cluster or Sentinel target (see RedisTarget). */
  url: RedisTarget
  backend?: BackendOptions
  /** Header tasks in the chord. */
  total: number
  /** Each worker is its own backend and connection. */
  workers: number
  /** Share of tasks delivered more than once (each such task is delivered 2 or 3 times). */
  duplicateRate: number
  /** Seeds the delivery order and the duplicates. @default 1 */
  seed?: number
  chordId?: string
}

export interface ChordRaceResult {
  check: ChordCheck
  deliveries: number
  durationMs: number
  records: CompletionRecord[]
}

/**
 * Completes one chord from many connections at once, with duplicate deliveries, the way workers
 * under at-least-once delivery would, and judges the outcome from what the callers saw and the
 * count Redis ends with.
 */
export async function raceChord(options: ChordRaceOptions): Promise<ChordRaceResult> {
  const random = seededRandom(options.seed ?? 1)
  const chordId = options.chordId ?? `race-${process.pid}-${Math.floor(random() * 1e9).toString(36)}`
  const deliveries = plannedDeliveries(options.total, options.duplicateRate, random)
  const workers = Array.from(
    { length: options.workers },
    () => new RedisResultBackend(options.url, options.backend),
  )
  try {
    const [creator] = workers
    if (!creator) throw new Error('raceChord needs at least one worker')
    await creator.chordInit({ chordId, total: options.total })
    const started = performance.now()
    const records = await deliverAll(workers, chordId, deliveries)
    const durationMs = performance.now() - started
    const state = await creator.chordGetState(chordId)
    await creator.chordDelete(chordId)
    return {
      check: checkChord(options.total, records, state?.completed ?? 0),
      deliveries: deliveries.length,
      durationMs,
      records,
    }
  } finally {
    await Promise.all(workers.map(worker => worker.close()))
  }
}

/**
 * Each worker takes the next delivery as soon as its previous call returned, until none are left;
 * returns what every call reported, in the order the calls ended.
 */
export async function deliverAll(
  workers: readonly RedisResultBackend[],
  chordId: string,
  deliveries: readonly string[],
): Promise<CompletionRecord[]> {
  const records: CompletionRecord[] = []
  let next = 0
  await Promise.all(
    workers.map(async worker => {
      while (next < deliveries.length) {
        const taskId = deliveries[next] as string
        next += 1
        records.push(await completeOnce(worker, chordId, taskId))
      }
    }),
  )
  return records
}

/**
 * Task ids `task-0` … in a seeded random order, a `duplicateRate` share of them delivered 2 or 3
 * times, as an at-least-once queue would.
 */
export function plannedDeliveries(total: number, duplicateRate: number, random: () => number): string[] {
  const deliveries: string[] = []
  for (let index = 0; index < total; index += 1) {
    const taskId = `task-${index}`
    deliveries.push(taskId)
    if (random() < duplicateRate) {
      deliveries.push(taskId)
      if (random() < 0.5) deliveries.push(taskId)
    }
  }
  return shuffleInPlace(deliveries, random)
}

async function completeOnce(
  worker: RedisResultBackend,
  chordId: string,
  taskId: string,
): Promise<CompletionRecord> {
  const startedAt = performance.now()
  try {
    const progress = await worker.chordCompleteTask(chordId, taskId)
    return {
      taskId,
      startedAt,
      endedAt: performance.now(),
      outcome: 'ok',
      completed: progress.completed,
      isLast: progress.isLast,
    }
  } catch (error) {
    // A lost reply may have been applied; a Replication error was applied on the primary, but
    // replicas have not confirmed it, so a failover may still lose it: either way, unknown.
    const unknown = isBackendError(error, 'Connection') || isBackendError(error, 'Replication')
    return { taskId, startedAt, endedAt: performance.now(), outcome: unknown ? 'unknown' : 'fail' }
  }
}
