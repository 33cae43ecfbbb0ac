import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { isBackendError, RedisResultBackend, type SentinelTarget } from '../src/index.ts'
import { ChordAcrossFailover, expectExactAndCaught } from './support/chord-across-failover.ts'
import { expectBackendErrorWithin, failureOf } from './support/errors.ts'
import { comparable, sampleMeta, uniqueId } from './support/meta.ts'
import { useSuiteSentinelGroup } from './support/topologies.ts'

const password = 'sentinel group secret'
const group = useSuiteSentinelGroup({ replicas: 2, sentinels: 3, password })

function target(): SentinelTarget {
  return { sentinels: group().sentinelAddresses(), name: group().name, password }
}

const total = 200

describe('a Sentinel group: one primary, 2 replicas, 3 sentinels', () => {
  it('stores and reads results through the sentinels, and WAITs for real replicas', async () => {
    await using backend = new RedisResultBackend(target(), { waitReplicas: 2, waitTimeoutMs: 500 })
    const stored = Array.from({ length: 30 }, () => sampleMeta())
    await backend.storeResults(stored)
    expect((await backend.getResults(stored.map(meta => meta.taskId))).map(comparable)).toEqual(
      stored.map(comparable),
    )
    await using greedy = new RedisResultBackend(target(), { waitReplicas: 3, waitTimeoutMs: 200 })
    const error = await failureOf(greedy.storeResult(sampleMeta()))
    expect(
      isBackendError(error, 'Replication') && { acknowledged: error.acknowledged, required: error.required },
    ).toEqual({ acknowledged: 2, required: 3 })
  })

  it('refuses a wrong password with a Redis error (WRONGPASS) that does not show it', async () => {
    const wrong = 'not the sentinel group secret'
    await using backend = new RedisResultBackend(
      { ...target(), password: wrong },
      { maxRetriesPerRequest: 0 },
    )
    const error = await expectBackendErrorWithin(backend.getResult(uniqueId()), 'Redis', 5_000)
    expect(error.message).toMatch(/WRONGPASS/)
    for (const text of [error.message, String(error.stack), inspect(error, { depth: 5 })]) {
      expect(text).not.toContain(wrong)
      expect(text).not.toContain(password)
    }
  })

  it('completes a chord across SENTINEL FAILOVER exactly once, and catches seed-incr doing it twice', async () => {
    await using reference = new ChordAcrossFailover(target(), {
      total,
      seed: 1,
      backend: { waitReplicas: 1, waitTimeoutMs: 500 },
    })
    await using broken = new ChordAcrossFailover(target(), {
      total,
      seed: 1,
      backend: { barrier: 'seed-incr' },
    })
    await Promise.all([reference.firstHalf(), broken.firstHalf()])
    const outcome = await group().failover()
    expect(outcome.promoted).not.toBe(outcome.previous)
    await Promise.all([reference.secondHalf(), broken.secondHalf()])
    // Read from the primary itself: a backend still writing to the old one would not show there.
    const primary = await group().primary()
    expect(primary).not.toBe(outcome.previous)
    const readCounter = (key: string) => primary.withAdminClient(client => client.get(key))

    await expectExactAndCaught(reference, broken, total, readCounter)
  })
})
