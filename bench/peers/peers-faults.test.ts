import { describe, expect, test } from 'vitest'
import type { PeerExactness } from '../../src/report/sections/peers.ts'
import { useSuiteRedis } from '../../test/support/suite-redis.ts'
import { type FaultRunSize, judgeResets, judgeRestart } from './faults.ts'
import { loadPeers } from './registry.ts'

/** Long enough that the fault (40 ms in) lands while completions are in flight. */
const size: FaultRunSize = { tasks: 2_000, processes: 2, inFlight: 4, seed: 5 }

/** Runs seed-incr may take under resets to be caught (see the test). */
const seedIncrResetRuns = 3

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
    if (id === 'seed-incr') {
      // Broken on purpose. A reset catches it when it lands between an INCR Redis applied and its
      // reply (the resent INCR counts again): nearly every run, but a loaded machine can let one
      // run's reset windows pass without that moment, so up to three runs. A SIGKILL does only
      // when it lands there, so its verdict is not asserted.
      const kinds: string[][] = []
      for (let run = 0; run < (judge === judgeResetsOf ? seedIncrResetRuns : 1); run += 1) {
        const result = await judge(id)
        expect(result.faultHit, 'the fault began while calls were in flight').toBe(true)
        kinds.push(result.violations.map(violation => violation.split(':')[0] ?? ''))
        if (kinds.at(-1)?.includes('duplicate-applied')) break
      }
      if (judge === judgeResetsOf) expect(kinds.flat()).toContain('duplicate-applied')
      return
    }
    const result = await judge(id)
    expect(result.faultHit, 'the fault began while calls were in flight').toBe(true)
    expect(result.violations).toEqual([])
    expect(consistent(result)).toBe(true)
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
