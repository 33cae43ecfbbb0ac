import { describe, expect, test } from 'vitest'
import type { BarrierName } from '../../src/backend/barrier/index.ts'
import { topologySection } from '../../src/report/sections/topology.ts'
import type { TopologyProfile } from './profiles.ts'
import { runTopology } from './run-topology.ts'

/** One short round of completions on a 3-primary cluster, many calls per chord at once. */
const profile: TopologyProfile = {
  name: 'quick',
  primaries: [3],
  processes: [1],
  rounds: 1,
  roundMs: 120,
  warmupMs: 40,
  storeBatch: 10,
  storeInFlight: 1,
  completionsInFlight: 32,
  chordsPerProcess: 4,
}

/**
 * Every 4th call re-delivers the task completed before it. The reference barrier ignores those
 * (counters = distinct completions); the spec's bare INCR counts them again (more); a
 * client-side read-modify-write loses concurrent increments (fewer). The check must tell.
 */
describe.each([
  ['reference', 'exact'],
  ['seed-incr', 'over-counted'],
  ['naive-rmw', 'under-counted'],
] as const)('the applied check with the %s barrier and re-deliveries', (barrier: BarrierName, expected) => {
  test(`finds the counters ${expected}`, { timeout: 60_000 }, async () => {
    const { section } = await runTopology({
      profile,
      operations: ['chordCompleteTask'],
      barrier,
      redeliverEvery: 4,
    })
    const [pass] = section.passes
    const [cluster] = pass?.clusters ?? []
    if (pass === undefined || cluster?.applied.kind !== 'counted')
      return expect.fail('nothing was counted back')
    const { reported, counted } = cluster.applied
    expect(reported).toBeGreaterThan(0)
    // The control's INCR keys are counted the same way and must always match.
    expect(pass.control.applied).toMatchObject({ kind: 'counted', roundsOff: 0 })
    const row = topologySection
      .markdown(section)
      .split('\n')
      .find(line => line.startsWith('| chordCompleteTask | 1 |'))
    if (expected === 'exact') {
      expect(counted).toBe(reported)
      expect(row).toContain('✅ exact')
    } else {
      if (expected === 'over-counted') expect(counted).toBeGreaterThan(reported)
      else expect(counted).toBeLessThan(reported)
      expect(row).toContain(`❌ counters hold ${counted} for ${reported} reported`)
    }
  })
})
