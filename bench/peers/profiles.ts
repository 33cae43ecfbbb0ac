import type { FaultRunSize } from './faults.ts'

/** How big each pass of the peers suite is. */
export interface PeersProfile {
  name: 'quick' | 'full'
  /** Tasks completed one at a time (latency, round trips). */
  sequentialTasks: number
  /** Tasks of the throughput chords. */
  throughputTasks: number
  /** Calls outstanding per Node process. */
  inFlight: number
  /** Processes of the several-processes pass and of the duplicates pass. */
  processes: number
  /** Tasks of the duplicates chord, and the share delivered 2-3 times. */
  duplicateTasks: number
  duplicateRate: number
  /** The chord of each fault run (resets, restart): it must outlast the fault's start. */
  faultRun: FaultRunSize
  /** Chord sizes whose barrier memory is measured. */
  memoryTasks: number[]
  seed: number
}

export const peersProfiles: Record<PeersProfile['name'], PeersProfile> = {
  quick: {
    name: 'quick',
    sequentialTasks: 1_000,
    throughputTasks: 5_000,
    inFlight: 16,
    processes: 4,
    duplicateTasks: 500,
    duplicateRate: 0.3,
    faultRun: { tasks: 2_000, processes: 2, inFlight: 4, seed: 1 },
    memoryTasks: [100, 10_000],
    seed: 1,
  },
  full: {
    name: 'full',
    sequentialTasks: 5_000,
    throughputTasks: 50_000,
    inFlight: 32,
    processes: 4,
    duplicateTasks: 5_000,
    duplicateRate: 0.3,
    faultRun: { tasks: 10_000, processes: 4, inFlight: 8, seed: 1 },
    memoryTasks: [100, 10_000, 100_000],
    seed: 1,
  },
}
