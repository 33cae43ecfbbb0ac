import { describe, expect, test } from 'vitest'
import type { PeerExactness } from '../../src/report/sections/peers.ts'
import { useSuiteRedis } from '../../test/support/suite-redis.ts'
import { type FaultRunSize, judgeResets, judgeRestart } from './faults.ts'
import { loadPeers } from './registry.ts'

/** Long enough that the fault (40 ms in) lands while completions are in flight. */
const size: FaultRunSize = { tasks: 2_000, processes: 2, inFlight: 4, seed: 5 }

const barriers = (await loadPeers()).filter(peer => peer.role === 'barrier')
const redis = useSuiteRedis()
const url = () => redis.url()

/** Exact, or never fired for a reason the history shows (nobody heard; Redis holds the chord complete). */
function consistent(result: PeerExactness): boolean {
  return result.violations.length === 0
}

const judgeResetsOf = (id: string) => judgeResets(peerNamed(id), url(), size)
const judgeRestartOf = (id: string) => judgeRestart(peerNamed(id), size)

describe.each([
  ['connection resets', judgeResetsOf],
  ['SIGKILL + restart under aof-always', judgeRestartOf],
] as const)('%s while completions are in flight', (_, judge) => {
  test.each(barriers.map(peer => [peer.id] as const))('%s', { timeout: 45_000 }, async id => {
    const reason = peerNamed(id).unavailableReason()
    if (reason !== null) return expect.soft(reason, `${id} skipped`).toBeNull()
    const result = await judge(id)
    expect(result.faultHit, 'the fault began while calls were in flight').toBe(true)
    if (id === 'seed-incr') {
      // Broken on purpose. A reset always catches it (a resent INCR counts again); a SIGKILL does
      // only when it lands between an INCR and its reply, so its verdict there is not asserted.
      if (judge === judgeResetsOf) {
        expect(result.violations.map(violation => violation.split(':')[0])).toContain('duplicate-applied')
      }
    } else {
      expect(result.violations).toEqual([])
      expect(consistent(result)).toBe(true)
    }
  })
})

test('the restart check catches a chord Redis lost: the same run without persistence', {
  timeout: 45_000,
}, async () => {
  const result = await judgeRestart(peerNamed('chordlab'), size, 'none')
  expect(result.faultHit).toBe(true)
  expect(result.verdict).toBe('lost-acknowledged')
})

function peerNamed(id: string) {
  const peer = barriers.find(candidate => candidate.id === id)
  if (peer === undefined) throw new Error(`no peer ${id}`)
  return peer
}
