import type { Redis } from 'ioredis'
import type { ChordProgress } from '../../src/backend/types.ts'
import type { OperationHistory } from '../../src/history/operation-history.ts'
import type { StartedRedisServer } from '../../src/servers/index.ts'
import { firstAcknowledgedWithin } from './lagging-replicas.ts'

/**
 * When a replica was promoted, bracketed by two ROLE probes (`performance.now()`, the clock of the
 * history): no candidate was primary when the last probe before it was sent, one was when the first
 * probe after it was answered.
 */
export interface PromotionBracket {
  /** The last probe that found no candidate primary was sent at this instant. */
  before: number
  /** The first probe that found one was answered at this instant. */
  after: number
}

/** The probes' connections killed under them more often than a hand-over does (once or twice). */
const maxReconnects = 5

/**
 * Probes the ROLE of `candidates` back to back while `watching()` says so and for at most `maxMs`,
 * and brackets the moment the first of them became primary. Resolves null when none did in that
 * time, or when the first probe already found one.
 *
 * Why not the launcher's own marks: a failover's outcome tells when the command was issued and when
 * the new primary was confirmed to clients (every node or every sentinel agrees), up to a second
 * apart; a call that started before the command and was answered after that confirmation would
 * have to hang for the whole hand-over. The promotion is the instant that matters: a call sent
 * before it went to the old primary, its reply came after the old primary stopped being the only
 * primary. The probes run on connections kept open, so that the bracket is a round trip or two
 * wide, not a connection set-up.
 */
export async function watchPromotion(
  candidates: readonly StartedRedisServer[],
  watching: () => boolean,
  maxMs: number,
): Promise<PromotionBracket | null> {
  const deadline = performance.now() + maxMs
  const probed: { before?: number } = {}
  for (let reconnects = 0; watching() && performance.now() < deadline; reconnects++) {
    try {
      return await withAdminClients(candidates, maxMs, clients =>
        probeUntilPromoted(clients, watching, deadline, probed),
      )
    } catch (error) {
      // A sentinel promoting or moving a node kills its normal clients (CLIENT KILL TYPE normal),
      // the probes' too: open new ones; the bracket then spans the reconnection. A node that
      // cannot be reached at all is an error.
      if (reconnects >= maxReconnects) throw error
    }
  }
  return null
}

async function probeUntilPromoted(
  clients: readonly Redis[],
  watching: () => boolean,
  deadline: number,
  probed: { before?: number },
): Promise<PromotionBracket | null> {
  while (watching() && performance.now() < deadline) {
    const sent = performance.now()
    const roles = await Promise.all(clients.map(client => client.role()))
    if (roles.some(role => role[0] === 'master')) {
      return probed.before === undefined ? null : { before: probed.before, after: performance.now() }
    }
    probed.before = sent
  }
  return null
}

/** One admin connection to each of `servers`, all open while `use` runs, all closed after. */
function withAdminClients<T>(
  servers: readonly StartedRedisServer[],
  timeoutMs: number,
  use: (clients: Redis[]) => Promise<T>,
  opened: Redis[] = [],
): Promise<T> {
  const [first, ...rest] = servers
  if (first === undefined) return use(opened)
  return first.withAdminClient(
    client => withAdminClients(rest, timeoutMs, use, [...opened, client]),
    timeoutMs,
  )
}

/** Completion calls around a hand-over's promotion (all 0 when the probes did not bracket it). */
export interface PromotionCalls {
  /** Overlapping the bracket: in flight when the replica was promoted, to the probes' precision. */
  during: number
  /**
   * Spanning the bracket: sent to the old primary before the promotion, answered (acknowledged,
   * failed or unknown) after it. Only a call that waits on the server (a paused primary, a WAIT)
   * spans a bracket wider than a call.
   */
  across: number
  /** The bracket's width, rounded to 0.1 ms. */
  bracketMs: number
  /**
   * Tasks whose first acknowledgement came from a call sent after the last probe that found no new
   * primary: completions at stake in the hand-over, as opposed to redeliveries of counted tasks.
   */
  firstAcknowledgedAfter: number
}

export function callsAroundPromotion(
  history: OperationHistory<ChordProgress>,
  promotion: PromotionBracket | null,
): PromotionCalls {
  if (promotion === null) return { during: 0, across: 0, bracketMs: 0, firstAcknowledgedAfter: 0 }
  let during = 0
  let across = 0
  for (const record of history.records) {
    if (record.startedAt <= promotion.after && record.endedAt >= promotion.before) during += 1
    if (record.startedAt <= promotion.before && record.endedAt >= promotion.after) across += 1
  }
  return {
    during,
    across,
    bracketMs: Math.round((promotion.after - promotion.before) * 10) / 10,
    firstAcknowledgedAfter: firstAcknowledgedWithin(history, {
      from: promotion.before,
      to: Number.POSITIVE_INFINITY,
    }),
  }
}
