import type { LatencySuite, OperationLatency } from '../src/report/sections/bench-data.ts'
import type { BenchTarget } from './bench-target.ts'
import { measureOperation } from './measure-operation.ts'
import { latencyOperations } from './operations.ts'
import type { BenchProfile } from './profiles.ts'

export interface LatencySuiteOptions {
  target: BenchTarget
  profile: BenchProfile
  progress: (line: string) => void
}

/**
 * Times every backend operation against its raw controls, one call at a time and then with the
 * profile's concurrency, each operation interleaved with its controls round by round.
 */
export async function runLatencySuite(options: LatencySuiteOptions): Promise<LatencySuite> {
  const { profile, target } = options
  const concurrencyLevels = [1, profile.latency.concurrency]
  const operations = latencyOperations(profile.batchSize)
  const results: OperationLatency[] = []
  for (const concurrency of concurrencyLevels) {
    for (const [index, operation] of operations.entries()) {
      options.progress(
        `latency, ${concurrency} in flight: ${operation.operation} (${index + 1}/${operations.length})`,
      )
      results.push(await measureOperation(target, operation, { ...profile.latency, concurrency }))
    }
  }
  return {
    rounds: profile.latency.rounds,
    roundMs: profile.latency.roundMs,
    concurrencyLevels,
    operations: results,
  }
}
