import { describe, expect, it } from 'vitest'
import { keySlot } from '../src/backend/key-slot.ts'
import type { ClusterTarget } from '../src/index.ts'
import type { StartedRedisServer } from '../src/servers/index.ts'
import { ChordAcrossFailover, expectExactAndCaught } from './support/chord-across-failover.ts'
import { uniqueId } from './support/meta.ts'
import { useSuiteCluster } from './support/topologies.ts'

const cluster = useSuiteCluster({ primaries: 3, replicasPerPrimary: 1 })
const total = 200

function target(): ClusterTarget {
  return { cluster: cluster().addresses() }
}

/** Chord ids whose keys the given primary serves (chord keys hash their id only). */
async function chordIdsOn(primary: StartedRedisServer, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let attempt = 0; attempt < 10_000 && ids.length < count; attempt++) {
    const chordId = uniqueId('chord')
    if ((await cluster().primaryForSlot(keySlot(chordId))) === primary) ids.push(chordId)
  }
  return ids
}

describe("a chord whose primary is killed half-way, its replica promoted by the cluster's own failover, the old primary back as a replica", () => {
  it('completes exactly once on the promoted replica, and seed-incr is caught firing twice', async () => {
    const [primary] = await cluster().primaries()
    if (primary === undefined) throw new Error('no primary')
    const [referenceId, brokenId] = await chordIdsOn(primary, 2)
    // waitReplicas: every completion acknowledged before the kill is on the replica.
    await using reference = new ChordAcrossFailover(target(), {
      total,
      seed: 3,
      chordId: referenceId,
      backend: { waitReplicas: 1, waitTimeoutMs: 500 },
    })
    await using broken = new ChordAcrossFailover(target(), {
      total,
      seed: 3,
      chordId: brokenId,
      backend: { barrier: 'seed-incr' },
    })
    await Promise.all([reference.firstHalf(), broken.firstHalf()])
    const outcome = await cluster().killPrimary(primary)
    // The promoted replica has no replica of its own until the old primary returns as one; until
    // then every write would (rightly) end in a Replication error.
    await primary.restart()
    await cluster().waitUntilHealthy()
    await Promise.all([reference.secondHalf(), broken.secondHalf()])
    expect(outcome.promoted).not.toBe(primary)
    const owner = await cluster().primaryForSlot(keySlot(reference.chordId))
    const readCounter = (key: string) => owner.withAdminClient(client => client.get(key))

    await expectExactAndCaught(reference, broken, total, readCounter)
  })
})
