import type { CompletionRecord } from '../../src/history/chord-check.ts'
import { monotonicMs } from '../support/monotonic-clock.ts'
import type { Completer } from './adapter.ts'

/**
 * What a worker does with a call that ended unknown: it runs the task again (a new call), up to
 * `attempts` more times, `backoffMs` apart. The bound covers a Redis restart under aof-always.
 */
export interface RedeliveryPolicy {
  attempts: number
  backoffMs: number
}

export const redeliveryPolicy: RedeliveryPolicy = { attempts: 80, backoffMs: 25 }

/**
 * Completes `deliveries` in order with `inFlight` calls outstanding at a time (each starts when
 * one ends), redelivering what ended unknown as `redelivery` says; returns one record per call,
 * in the order the calls ended.
 */
export async function deliver(
  completer: Completer,
  deliveries: readonly string[],
  inFlight: number,
  redelivery: RedeliveryPolicy = redeliveryPolicy,
): Promise<CompletionRecord[]> {
  const records: CompletionRecord[] = []
  const completeOnce = async (taskId: string) => {
    const startedAt = monotonicMs()
    const outcome = await completer.complete(taskId)
    const endedAt = monotonicMs()
    records.push(
      outcome.outcome === 'ok'
        ? { taskId, startedAt, endedAt, outcome: 'ok', completed: outcome.completed, isLast: outcome.isLast }
        : { taskId, startedAt, endedAt, outcome: outcome.outcome },
    )
    return outcome
  }
  let next = 0
  await Promise.all(
    Array.from({ length: Math.max(1, inFlight) }, async () => {
      while (next < deliveries.length) {
        const taskId = deliveries[next] as string
        next += 1
        let outcome = await completeOnce(taskId)
        for (let attempt = 0; attempt < redelivery.attempts; attempt += 1) {
          if (outcome.outcome !== 'unknown' || !outcome.redeliver) break
          await new Promise(resolve => setTimeout(resolve, redelivery.backoffMs))
          outcome = await completeOnce(taskId)
        }
      }
    }),
  )
  return records
}
