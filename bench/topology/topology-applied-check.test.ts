import { describe, expect, test } from 'vitest'
import type { BarrierName } from '../../src/backend/barrier/index.ts'
import { topologySection } from '../../src/report/sections/topology.ts'
import type { TopologyPass } from '../../src/report/sections/topology-data.ts'
import type { TopologyProfile } from './profiles.ts'
import { runTopology } from './run-topology.ts'
import type { StoreName } from './stores.ts'

/** One short round per operation on a 3-primary cluster and the plain server, many calls per chord at once. */
const profile: TopologyProfile = {
  name: 'quick',
  primaries: [3],
  processes: [1],
  rounds: 1,
  roundMs: 120,
  warmupMs: 40,
  storeBatch: 20,
  storeInFlight: 2,
  completionsInFlight: 32,
  chordsPerProcess: 4,
  // Fewer than a round stores, so the random sample is what finds the corrupted results.
  readBackSample: 200,
}

/**
 * Each run pairs a barrier with a store. Every 4th completion re-delivers the task completed
 * before it: the reference barrier ignores those (counters = distinct completions); the spec's
 * bare INCR counts them again (more); a client-side read-modify-write loses concurrent increments
 * (fewer). The broken stores report every batch stored but leave out every 10th result (fewer keys
 * than reported), or store a FAILURE in its place (as many keys, but the read-back differs). The
 * checks must tell, on the cluster and on the plain server alike.
 */
describe.each([
  ['reference', 'exact', 'reference', 'exact'],
  ['seed-incr', 'over-counted', 'drops-every-10th', 'missing'],
  ['naive-rmw', 'under-counted', 'corrupts-every-10th', 'corrupted'],
] as const)(
  'the applied checks with the %s barrier (%s) and the %s store (%s)',
  (barrier: BarrierName, counters, store: StoreName, results) => {
    test('find what Redis holds', { timeout: 60_000 }, async () => {
      const { section } = await runTopology({ profile, barrier, redeliverEvery: 4, store })
      const passOf = (operation: TopologyPass['operation']) => {
        const pass = section.passes.find(candidate => candidate.operation === operation)
        if (pass === undefined) return expect.fail(`no ${operation} pass`)
        return pass
      }
      const markdown = topologySection.markdown(section).split('\n')
      const rowOf = (operation: string) => markdown.find(line => line.startsWith(`| ${operation} | 1 |`))

      // Completions: the raw control's INCR keys are counted the same way and must always match.
      const completions = passOf('chordCompleteTask')
      expect(completions.control.applied).toMatchObject({ kind: 'counted', roundsOff: 0 })
      for (const arm of [completions.backendSingle, ...completions.clusters]) {
        if (arm.applied.kind !== 'counted') return expect.fail('the completions were not counted back')
        const { reported, counted } = arm.applied
        expect(reported).toBeGreaterThan(0)
        if (counters === 'exact') expect(counted).toBe(reported)
        else if (counters === 'over-counted') expect(counted).toBeGreaterThan(reported)
        else expect(counted).toBeLessThan(reported)
      }
      const completionRow = rowOf('chordCompleteTask')
      if (counters === 'exact') expect(completionRow).toContain('✅ exact')
      else expect(completionRow).toMatch(/❌ backend, plain server: counters hold \d+ for \d+ reported/)

      // Stores: the raw control is checked the same way and must always be whole.
      const stores = passOf('storeResults')
      expect(stores.control.applied).toMatchObject({ kind: 'read-back', roundsOff: 0, wrong: 0 })
      for (const arm of [stores.backendSingle, ...stores.clusters]) {
        if (arm.applied.kind !== 'read-back') return expect.fail('the stores were not read back')
        const { reported, found, sampled, wrong, firstWrong } = arm.applied
        expect(reported).toBeGreaterThan(0)
        expect(sampled).toBe(Math.min(reported, profile.readBackSample))
        if (results === 'exact') expect({ found, wrong }).toEqual({ found: reported, wrong: 0 })
        else if (results === 'missing') {
          expect(found).toBe(reported - reported / 10)
          expect(wrong).toBeGreaterThan(0)
          expect(firstWrong).toMatch(/ missing$/)
        } else {
          expect(found).toBe(reported)
          expect(wrong).toBeGreaterThan(0)
          expect(firstWrong).toMatch(/ holds a FAILURE result$/)
        }
      }
      const storeRow = rowOf('storeResults')
      if (results === 'exact')
        expect(storeRow).toMatch(/✅ exact \([\d,]+ stored, all found; [\d,]+ read back\)/)
      else expect(storeRow).toMatch(/❌ backend, plain server: .*(results found for|read back wrong)/)
    })
  },
)
