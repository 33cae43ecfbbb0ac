import { failoverScenario } from './failover.ts'
import { latencyScenario } from './latency.ts'
import { partitionScenario } from './partition.ts'
import { redisRestartScenario } from './redis-restart.ts'
import { replyLossScenario } from './reply-loss.ts'
import type { ChaosScenario } from './support/scenario.ts'
import { upstreamFaultsScenario } from './upstream-faults.ts'

/** Every scenario, in the order `chordlab chaos` runs them. */
export const chaosScenarios: readonly ChaosScenario[] = [
  latencyScenario,
  replyLossScenario,
  upstreamFaultsScenario,
  partitionScenario,
  redisRestartScenario,
  failoverScenario,
]

export const chaosScenarioIds = chaosScenarios.map(scenario => scenario.id)
