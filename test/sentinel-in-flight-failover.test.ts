import { describe, expect, it } from 'vitest'
import type { SentinelTarget } from '../src/index.ts'
import type { FailoverOutcome } from '../src/servers/index.ts'
import {
  ChordAcrossFailover,
  expectExactAndCaught,
  type InFlightBounds,
  SharedFailover,
} from './support/chord-across-failover.ts'
import { useSuiteSentinelGroup } from './support/topologies.ts'

const group = useSuiteSentinelGroup({ replicas: 2, sentinels: 3 })

function target(): SentinelTarget {
  return { sentinels: group().sentinelAddresses(), name: group().name }
}

const total = 200
const bounds: InFlightBounds = { callsBefore: 40, callsAfter: 60, maxCalls: 20_000, deadlineMs: 15_000 }
/**
 * ioredis's own default of 20 retries, and a command timeout above the promotion time: a call in
 * flight when the primary dies waits, through the reconnects, for the new primary and is resent there.
 */
const waitThroughFailover = { maxRetriesPerRequest: 20, commandTimeoutMs: 10_000 }

describe('a Sentinel group whose primary is killed while chord completions are in flight', () => {
  it('completes the chord exactly once across the promotion, and catches seed-incr', async () => {
    await using reference = new ChordAcrossFailover(target(), {
      total,
      seed: 5,
      backend: { ...waitThroughFailover, waitReplicas: 1, waitTimeoutMs: 500 },
    })
    await using broken = new ChordAcrossFailover(target(), {
      total,
      seed: 5,
      backend: { ...waitThroughFailover, barrier: 'seed-incr' },
    })
    const failover = new SharedFailover<FailoverOutcome>(async marks => {
      // The primary hangs (SIGSTOP) for the moment killPrimary needs to ask the sentinels, then dies:
      // the calls made to it meanwhile get no reply. Without the hang, whether a call is caught
      // between request and reply at the SIGKILL is a race of a fraction of a millisecond.
      ;(await group().primary()).pause()
      return group().killPrimary({ beforeKill: marks.began, afterKill: marks.primaryGone })
    })
    const [{ outcome, window }] = await Promise.all([
      reference.throughFailover(failover, bounds),
      broken.throughFailover(failover, bounds),
    ])
    expect(outcome.promoted).not.toBe(outcome.previous)
    // In flight across it: calls made before the kill, answered (by the promoted replica) once the old primary was gone.
    expect(window.endedAt).toBeGreaterThan(window.startedAt)
    expect(reference.callsAcrossFailover()).toBeGreaterThan(0)
    expect(broken.callsAcrossFailover()).toBeGreaterThan(0)
    // Read from the primary itself, as the sentinels name it now.
    const primary = await group().primary()
    expect(primary).toBe(outcome.promoted)
    const readCounter = (key: string) => primary.withAdminClient(client => client.get(key))

    await expectExactAndCaught(reference, broken, total, readCounter)
  })
})
