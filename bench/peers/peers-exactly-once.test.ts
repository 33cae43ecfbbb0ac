import { describe, expect, test } from 'vitest'
import { useSuiteRedis } from '../../test/support/suite-redis.ts'
import { judgeChord } from './exactness.ts'
import { loadPeers } from './registry.ts'

const peers = await loadPeers()
const redis = useSuiteRedis()
const url = () => redis.url()

describe('every peer completes a small chord, each task delivered once', () => {
  test.each(peers.map(peer => [peer.id, peer] as const))(
    '%s fires exactly once',
    { timeout: 30_000 },
    async (_, peer) => {
      const reason = peer.unavailableReason()
      if (reason !== null) return expect.soft(reason, `${peer.id} skipped`).toBeNull()
      const verdict = await judgeChord(peer, url(), {
        fault: 'test',
        tasks: 30,
        duplicateRate: 0,
        seed: 7,
        processes: 1,
        inFlight: 4,
      })
      expect(verdict).toMatchObject({ verdict: 'exact', firedCount: 1, unacknowledged: 0, calls: 30 })
    },
  )
})
