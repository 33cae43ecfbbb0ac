import { describe, expect, test } from 'vitest'
import { type BarrierName, barrierNames } from '../../src/backend/barrier/index.ts'
import { topologySection } from '../../src/report/sections/topology.ts'
import type { TopologyProfile } from './profiles.ts'
import { runTopology } from './run-topology.ts'
import { type StoreName, storeNames } from './stores.ts'

// CHORDLAB_BARRIER=naive-rmw (or CHORDLAB_STORE=drops-every-10th) runs the sweep through a broken
// barrier (or store), to watch the counting check (or the read-back) fail.
const barrier = (process.env.CHORDLAB_BARRIER ?? 'reference') as BarrierName
if (!barrierNames.includes(barrier)) {
  throw new Error(`CHORDLAB_BARRIER must be one of ${barrierNames.join(', ')}`)
}
const store = (process.env.CHORDLAB_STORE ?? 'reference') as StoreName
if (!storeNames.includes(store)) {
  throw new Error(`CHORDLAB_STORE must be one of ${storeNames.join(', ')}`)
}

/** Every part of the sweep at toy size: this checks the shape and the counting, never the speed. */
const tinyProfile: TopologyProfile = {
  name: 'quick',
  primaries: [1, 3],
  processes: [1],
  rounds: 2,
  roundMs: 80,
  warmupMs: 40,
  storeBatch: 20,
  storeInFlight: 2,
  completionsInFlight: 16,
  chordsPerProcess: 8,
  readBackSample: 100,
}

describe('a tiny topology sweep: clusters of 1 and 3 primaries, the backend on a plain server and a raw control, one client process', () => {
  test('measures both operations on every target, checks the work of every round in Redis, and renders', {
    timeout: 90_000,
  }, async () => {
    const { section, redis } = await runTopology({ profile: tinyProfile, barrier, store })
    expect(redis.source).toBe('started')
    expect(section.passes.map(pass => [pass.operation, pass.processes])).toEqual([
      ['storeResults', 1],
      ['chordCompleteTask', 1],
    ])
    for (const pass of section.passes) {
      expect(pass.clusters.map(arm => [arm.primaries, arm.nodes])).toEqual([
        [1, 1],
        [3, 3],
      ])
      for (const arm of [pass.control, pass.backendSingle, ...pass.clusters]) {
        expect(arm.perSecond.perRound).toHaveLength(2)
        expect(arm.perSecond.min).toBeGreaterThan(0)
        expect(arm.clientCpuUsPerOp.median).toBeGreaterThan(0)
        expect(arm.serverCpuCores.median).toBeGreaterThanOrEqual(0)
      }
      expect(pass.backendSingle.ratioToControl.median).toBeGreaterThan(0)
      for (const arm of pass.clusters) {
        expect(arm.ratioToControl.median).toBeGreaterThan(0)
        expect(arm.ratioToBackendSingle.median).toBeGreaterThan(0)
      }
    }

    // The completions the clients counted are exactly what the chord counters (and INCR keys) hold.
    const completions = section.passes.find(pass => pass.operation === 'chordCompleteTask')
    for (const arm of [completions?.control, completions?.backendSingle, ...(completions?.clusters ?? [])]) {
      if (arm?.applied.kind !== 'counted') return expect.fail('completions were not counted back')
      expect(arm.applied.reported).toBeGreaterThan(0)
      expect(arm.applied).toMatchObject({ counted: arm.applied.reported, roundsOff: 0 })
    }
    // Every result the clients reported stored is on the target, and the sample read back is what was stored.
    const stores = section.passes.find(pass => pass.operation === 'storeResults')
    for (const arm of [stores?.control, stores?.backendSingle, ...(stores?.clusters ?? [])]) {
      if (arm?.applied.kind !== 'read-back') return expect.fail('stores were not read back')
      expect(arm.applied.reported).toBeGreaterThan(0)
      expect(arm.applied.sampled).toBeGreaterThan(0)
      expect(arm.applied).toMatchObject({ found: arm.applied.reported, wrong: 0, roundsOff: 0 })
    }

    const reparsed = topologySection.parse(JSON.parse(JSON.stringify(section)))
    const markdown = topologySection.markdown(reparsed)
    expect(markdown).toMatch(
      /^\| operation \| processes \| raw control \/s \(plain server\) \| backend, plain server \/s \| 1 primary \/s \| 3 primaries \/s \| applied \|$/m,
    )
    expect(markdown).toMatch(
      /^\| storeResults \| 1 \| [\d,]+ .*\| ✅ exact \([\d,]+ stored, all found; [\d,]+ read back\) \|$/m,
    )
    expect(markdown).toMatch(/^\| chordCompleteTask \| 1 \| .*\| ✅ exact \([\d,]+ counted back\) \|$/m)
    expect(markdown).toMatch(
      /^\| operation \| processes \| backend, plain ÷ control \| @1 ÷ control \| @3 ÷ control \| cluster cost @1 \| cluster cost @3 \|$/m,
    )
    expect(markdown).toContain('- storeResults, what the cluster adds: the clusters ran at ')
    const html = topologySection.html(reparsed)
    expect(html).toContain('<table>')
    expect(html.match(/<svg /g)).toHaveLength(4)
    expect(html).toContain('chordCompleteTask × 1 proc')
  })
})
