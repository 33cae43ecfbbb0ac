/** How big the topology sweep is. `quick` stays within about a minute on a 2-core machine; `full` is for a nightly run. */
export interface TopologyProfile {
  name: 'quick' | 'full'
  /** Cluster sizes, in primaries. */
  primaries: number[]
  /** Client process counts; each pass forks that many worker processes (the pool holds the largest). */
  processes: number[]
  /** Measured rounds per pass; each runs every cluster, the backend on the plain server and the control once, in rotated order. */
  rounds: number
  /** Time each arm runs per round. */
  roundMs: number
  /** The unrecorded first pass over every arm (connections, scripts, JIT). */
  warmupMs: number
  /** Results per storeResults call (one pipeline per node). */
  storeBatch: number
  /** storeResults calls in flight per process. */
  storeInFlight: number
  /** chordCompleteTask calls in flight per process, on one auto-pipelined connection per node. */
  completionsInFlight: number
  /** Fresh chords per process per round; completions go round-robin over them, so over the slots. */
  chordsPerProcess: number
  /** Stored results read back and compared after each store round of an arm (a random sample over all processes). */
  readBackSample: number
}

const quick: TopologyProfile = {
  name: 'quick',
  primaries: [1, 3, 6],
  processes: [1, 4],
  rounds: 7,
  roundMs: 250,
  warmupMs: 150,
  storeBatch: 100,
  storeInFlight: 4,
  completionsInFlight: 256,
  chordsPerProcess: 64,
  readBackSample: 1_000,
}

/** The same work, in longer and more rounds. */
export const topologyProfiles: Record<TopologyProfile['name'], TopologyProfile> = {
  quick,
  full: { ...quick, name: 'full', rounds: 15, roundMs: 1_000, warmupMs: 500 },
}
