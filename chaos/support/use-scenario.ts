import { afterAll, beforeAll, expect } from 'vitest'
import { startToxiproxy } from '../../src/faults/provider-chain.ts'
import type { StartedToxiproxy } from '../../src/faults/started-toxiproxy.ts'
import type { ChaosScenarioReport, Expectation } from '../../src/report/sections/chaos.ts'
import { resolveRedisSource } from './redis-target.ts'
import { type ChaosScenario, type ChaosSize, chaosSizes, type ScenarioOutcome } from './scenario.ts'

/** A scenario run once per test file (at the `test` size) against the first Toxiproxy the chain finds. */
export function useScenario(
  scenario: ChaosScenario,
  size: ChaosSize = chaosSizes.test,
): () => ScenarioOutcome {
  let toxiproxy: StartedToxiproxy | undefined
  let outcome: ScenarioOutcome | undefined
  beforeAll(async () => {
    toxiproxy = await startToxiproxy()
    const { source } = await resolveRedisSource('local')
    outcome = await scenario.run({ toxiproxy, redisSource: source, size, seed: 1, progress: () => {} })
  }, 120_000)
  afterAll(async () => {
    await toxiproxy?.stop()
  })
  return () => {
    if (outcome === undefined) throw new Error(`the ${scenario.id} scenario did not run`)
    return outcome
  }
}

/** The expectation named `id`, asserted met; its detail is the failure message. */
export function expectMet(report: ChaosScenarioReport, id: string): Expectation {
  const found = report.expectations.find(expectation => expectation.id === id)
  expect(found, `${report.id} has no expectation ${id}`).toBeDefined()
  expect(found?.met, `${found?.statement}: ${found?.detail}`).toBe(true)
  return found as Expectation
}
