import { describe, expect, it } from 'vitest'
import { latencyScenario } from './latency.ts'
import { expectMet, useScenario } from './support/use-scenario.ts'

const outcome = useScenario(latencyScenario)

describe('latency with jitter on every reply', () => {
  it('loses nothing: the reference barrier is exact', () => {
    const { report } = outcome()
    expectMet(report, 'reference-exact')
    expectMet(report, 'reference-consistent')
  })

  it('slows every call by at least latency − jitter', () => {
    expectMet(outcome().report, 'latency-applied')
  })

  it('catches naive-rmw losing acknowledged completions in the wider race windows', () => {
    const { report } = outcome()
    expectMet(report, 'broken-caught')
    const naive = report.runs.find(run => run.barrier === 'naive-rmw')
    expect(naive?.verdict).toBe('lost-acknowledged')
    expect(naive?.finalCount).toBeLessThan(naive?.total ?? 0)
  })

  it('passes as a whole', () => {
    expect(outcome().report.status).toBe('passed')
  })
})
