import { describe, expect, it } from 'vitest'
import { expectMet, useScenario } from './support/use-scenario.ts'
import { upstreamFaultsScenario } from './upstream-faults.ts'

const outcome = useScenario(upstreamFaultsScenario)

describe('upstream faults: dropped, cut, fragmented and throttled commands', () => {
  it('ran every fault against every barrier while completions were in flight', () => {
    const { report } = outcome()
    expect(new Set(report.runs.map(run => run.fault)).size).toBe(5)
    expect(report.runs).toHaveLength(15)
    expectMet(report, 'fault-overlapped')
  })

  it('nothing hangs and every error is typed', () => {
    const { report } = outcome()
    expectMet(report, 'nothing-hangs')
    expectMet(report, 'errors-typed')
  })

  it('the state stays consistent: the reference barrier is exact (or never fires, with the reason)', () => {
    expectMet(outcome().report, 'reference-consistent')
  })

  it('the duplicate deliveries expose the broken barriers', () => {
    const { report } = outcome()
    expectMet(report, 'broken-caught')
    const seedIncr = report.runs.filter(run => run.barrier === 'seed-incr')
    expect(seedIncr.every(run => run.finalCount > run.total)).toBe(true)
    expect(report.status).toBe('passed')
  })
})
