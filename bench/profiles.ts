/**
 * How long and how big each suite runs. `quick` is the CI job (under two minutes on a 2-core
 * machine, every suite included); `full` gives tighter figures for a nightly run or a release.
 */
export interface BenchProfile {
  name: string
  latency: {
    /** Measured rounds; each runs every operation and its controls once, in rotated order. */
    rounds: number
    /** Time each arm runs per round. */
    roundMs: number
    /** Calls in flight for the concurrent measurement (besides one at a time). */
    concurrency: number
  }
  /** storeResults / getResults batch size, in the latency suite and the throughput suite's calls. */
  batchSize: number
  throughput: {
    rounds: number
    roundMs: number
    /** Results per storeResults call (one pipeline). */
    storeBatch: number
    /** storeResults calls (pipelines) in flight at once. */
    storeInFlight: number
    /** chordCompleteTask calls in flight at once on one auto-pipelined connection. */
    completionsInFlight: number
  }
  http: {
    rounds: number
    roundSeconds: number
    connections: number
  }
  persistence: {
    rounds: number
    /** Per arm per round, for latency and throughput alike. */
    roundMs: number
  }
  spec: {
    /** Keys written per kind for the used_memory deltas. */
    memoryKeys: number
    /** Tasks completed in the chord whose members hash is measured. */
    chordTasks: number
    /** Latency measured by the spec suite itself when the latency suite did not run. */
    latencyRounds: number
    latencyRoundMs: number
  }
}

export const benchProfiles = {
  quick: {
    name: 'quick',
    latency: { rounds: 15, roundMs: 40, concurrency: 16 },
    batchSize: 100,
    throughput: { rounds: 10, roundMs: 200, storeBatch: 1_000, storeInFlight: 4, completionsInFlight: 512 },
    http: { rounds: 6, roundSeconds: 0.5, connections: 16 },
    persistence: { rounds: 5, roundMs: 80 },
    spec: { memoryKeys: 10_000, chordTasks: 1_000, latencyRounds: 3, latencyRoundMs: 200 },
  },
  full: {
    name: 'full',
    latency: { rounds: 40, roundMs: 100, concurrency: 32 },
    batchSize: 100,
    throughput: { rounds: 30, roundMs: 300, storeBatch: 1_000, storeInFlight: 4, completionsInFlight: 512 },
    http: { rounds: 15, roundSeconds: 1, connections: 32 },
    persistence: { rounds: 15, roundMs: 200 },
    spec: { memoryKeys: 100_000, chordTasks: 10_000, latencyRounds: 5, latencyRoundMs: 500 },
  },
} as const satisfies Record<string, BenchProfile>

export type BenchProfileName = keyof typeof benchProfiles

export const benchProfileNames = Object.keys(benchProfiles) as BenchProfileName[]
