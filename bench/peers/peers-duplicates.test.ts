import { describe, expect, test } from 'vitest'
import { useSuiteRedis } from '../../test/support/suite-redis.ts'
import { judgeChord } from './exactness.ts'
import { loadPeers } from './registry.ts'

/**
 * What the measured run reports for each peer under 30% duplicate deliveries, as verdict
 * classes. A new peer must say here what it is expected to do.
 */
const expected: Record<string, 'exact' | 'not exact'> = {
  chordlab: 'exact',
  // BullMQ refuses the second completion of a child (its lock is gone).
  'bullmq-flow': 'exact',
  // Celery's zset ignores a repeated part whose encoded result is byte-identical (a deterministic task).
  'celery-redis': 'exact',
  // Broken on purpose: INCR counts every delivery, fires early and again.
  'seed-incr': 'not exact',
  'control-incr': 'not exact',
}

const peers = await loadPeers()
const redis = useSuiteRedis()
const url = () => redis.url()

describe('30% duplicate deliveries from two processes', () => {
  test('every peer has an expected verdict class', () => {
    expect(peers.map(peer => peer.id).sort()).toEqual(Object.keys(expected).sort())
  })

  test.each(peers.map(peer => [peer.id, peer] as const))('%s', { timeout: 45_000 }, async (id, peer) => {
    const reason = peer.unavailableReason()
    if (reason !== null) return expect.soft(reason, `${id} skipped`).toBeNull()
    const result = await judgeChord(peer, url(), {
      fault: 'test',
      tasks: 200,
      duplicateRate: 0.3,
      seed: 1,
      processes: 2,
      inFlight: 4,
    })
    expect(result.deliveries).toBeGreaterThan(200)
    if (expected[id] === 'exact') {
      expect(result.violations).toEqual([])
      expect(result).toMatchObject({ verdict: 'exact', firedCount: 1 })
      // BullMQ's exactness is its refusal of the repeats ("missing lock"): they must have reached it.
      if (id === 'bullmq-flow') expect(result.unacknowledged).toBe(result.deliveries - 200)
    } else {
      // The checker catches the broken counter: it counts repeats, and fires before every task arrived.
      expect(result.verdict).not.toBe('exact')
      expect(result.violations.map(violation => violation.split(':')[0])).toEqual(
        expect.arrayContaining(['duplicate-applied', 'fired-early']),
      )
    }
  })
})
