import { setTimeout as delay } from 'node:timers/promises'
import type { ChordProgress } from '../../src/backend/types.ts'
import type { OperationHistory } from '../../src/history/operation-history.ts'
import type { StartedRedisServer } from '../../src/servers/index.ts'

/** Replicas cut off from their primary: nothing the primary applies from `since` on reaches them. */
export interface CutOffReplicas {
  /** `performance.now()` when the link was cut. */
  since: number
  /** Resumes every replica: each reads what reached it before the cut, then looks for its primary. */
  rejoin(): void
}

/**
 * Makes `replicas` fall behind `primary` for as long as the caller wants: each is paused
 * (SIGSTOP), then the primary drops its replication links (CLIENT KILL TYPE replica).
 *
 * Pausing alone is not enough on loopback: the primary goes on writing the replication stream into
 * the paused replica's socket, the kernel buffers it, and a resumed replica reads all of it, even
 * after its primary was SIGKILLed (seen here: 500 writes made while the replica was paused, all of
 * them on the replica it promoted). Dropping the link keeps later writes in the primary's memory
 * only, and the paused replica cannot reconnect to fetch them: a replica partitioned from its
 * primary, which is what asynchronous replication loses writes to.
 */
export async function cutOffReplicas(
  primary: StartedRedisServer,
  replicas: readonly StartedRedisServer[],
): Promise<CutOffReplicas> {
  const rejoin = () => {
    for (const replica of replicas) replica.resume()
  }
  try {
    for (const replica of replicas) replica.pause()
    await primary.withAdminClient(client => client.call('CLIENT', 'KILL', 'TYPE', 'replica'))
  } catch (error) {
    rejoin()
    throw error
  }
  return { since: performance.now(), rejoin }
}

/** Polled often: without WAIT, completions end within a millisecond or so. */
const pollIntervalMs = 1

/**
 * Waits until `calls` completion calls that started at or after `since` have ended (acknowledged
 * or not), or `maxMs` passed; resolves how many had ended. Keeps the cut-off window as short as
 * the count needs, so completions remain for after the failover.
 */
export async function callsEndedSince(
  history: OperationHistory<ChordProgress>,
  since: number,
  calls: number,
  maxMs: number,
): Promise<number> {
  const started = performance.now()
  let ended = 0
  let seen = 0
  for (;;) {
    const { records } = history
    for (; seen < records.length; seen++) {
      if ((records[seen]?.startedAt ?? -1) >= since) ended += 1
    }
    if (ended >= calls || performance.now() - started >= maxMs) return ended
    await delay(pollIntervalMs)
  }
}

/**
 * Distinct tasks first acknowledged by a call that started and ended within [from, to]: the
 * completions only the primary held while its replicas were cut off (a redelivery of a task
 * acknowledged earlier is not one of them).
 */
export function firstAcknowledgedWithin(
  history: OperationHistory<ChordProgress>,
  window: { from: number; to: number },
): number {
  const firstAcknowledged = new Map<string, { startedAt: number; endedAt: number }>()
  for (const record of history.records) {
    const known = firstAcknowledged.get(record.subject)
    if (record.outcome === 'ok' && (known === undefined || record.endedAt < known.endedAt)) {
      firstAcknowledged.set(record.subject, record)
    }
  }
  return [...firstAcknowledged.values()].filter(
    call => call.startedAt >= window.from && call.endedAt <= window.to,
  ).length
}
