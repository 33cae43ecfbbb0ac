import { describe, expect, it } from 'vitest'
import { replyLossScenario } from './reply-loss.ts'
import { expectMet, useScenario } from './support/use-scenario.ts'

const outcome = useScenario(replyLossScenario)

describe('replies lost after Redis applied the command (downstream timeout, reset_peer)', () => {
  it('really took replies away while completions were in flight', () => {
    const { report } = outcome()
    expectMet(report, 'fault-hit')
    expectMet(report, 'fault-overlapped')
  })

  it('the reference barrier stays exact (or never fires, with the reason) through resends and redeliveries', () => {
    const { report } = outcome()
    expectMet(report, 'reference-consistent')
    for (const run of report.runs.filter(each => each.barrier === 'reference')) {
      expect(run.acknowledgedLost).toBe(0)
      expect(run.finalCount).toBe(run.total)
    }
  })

  it('catches seed-incr over-counting: every task delivered once, yet Redis counts more', () => {
    const { report } = outcome()
    expectMet(report, 'seed-incr-over-counts')
    const seedIncr = report.runs.filter(run => run.barrier === 'seed-incr')
    expect(seedIncr.map(run => run.verdict)).toEqual(['duplicate-applied', 'duplicate-applied'])
  })

  it('types every error as a BackendError and leaves nothing hanging', () => {
    const { report } = outcome()
    expectMet(report, 'errors-typed')
    expectMet(report, 'nothing-hangs')
    expect(report.status).toBe('passed')
  })
})
