import { describe, expect, it } from 'vitest'
import { partitionScenario } from './partition.ts'
import { expectMet, useScenario } from './support/use-scenario.ts'

const outcome = useScenario(partitionScenario)

describe('a partition: the proxy disabled, then enabled again', () => {
  it('clients reconnect and finish every chord, with nothing left hanging', () => {
    const { report } = outcome()
    expectMet(report, 'fault-overlapped')
    expectMet(report, 'clients-reconnect')
    expectMet(report, 'nothing-hangs')
    expectMet(report, 'errors-typed')
  })

  it('the reference barrier stays exact; a broken one is caught', () => {
    const { report } = outcome()
    expectMet(report, 'reference-consistent')
    expectMet(report, 'broken-caught')
    expect(report.status).toBe('passed')
  })
})
