import { Redis } from 'ioredis'
import { redactUrl } from '../../src/backend/url.ts'
import { summarizeSamples } from '../../src/measure/percentiles.ts'
import type { RedisEnvironment } from '../../src/report/schema.ts'
import {
  type PeerExactness,
  type PeerPass,
  type PeerRow,
  type PeersSection,
  peersSectionVersion,
} from '../../src/report/sections/peers.ts'
import { RedisServer } from '../../src/servers/index.ts'
import type { ChordSpec, PeerAdapter } from './adapter.ts'
import { freshChord } from './chord-id.ts'
import { completeChord, sliceDeliveries } from './complete-chord.ts'
import { judgeChord } from './exactness.ts'
import { judgeResets, judgeRestart } from './faults.ts'
import type { PeersProfile } from './profiles.ts'
import { perCompletion, readCounters, type ServerCounters } from './redis-counters.ts'
import { loadPeers } from './registry.ts'

export interface RunPeersOptions {
  profile: PeersProfile
  /** Only these peer ids. @default every peer under adapters/ */
  only?: readonly string[]
  /**
   * Also judge each peer under connection resets (through a Toxiproxy) and a Redis SIGKILL and
   * restart under aof-always. @default true
   */
  faults?: boolean
  /** One line per step (the CLI prints them). @default no output */
  progress?: (line: string) => void
}

/** The peers section, and the redis-server it ran on (for the run's environment). */
export interface PeersRun {
  section: PeersSection
  redis: RedisEnvironment
}

/**
 * Runs every peer through the same passes on one redis-server started for the run (never a
 * shared one: INFO deltas must count this run's commands only), one peer after another.
 */
export async function runPeers(options: RunPeersOptions): Promise<PeersRun> {
  const peers = (await loadPeers()).filter(peer => options.only?.includes(peer.id) ?? true)
  await using redis = await new RedisServer().start()
  const url = redis.url()
  const admin = new Redis(url)
  try {
    const rows: PeerRow[] = []
    for (const peer of peers) {
      const reason = peer.unavailableReason()
      if (reason !== null) {
        options.progress?.(`${peer.id}: skipped (${reason})`)
        rows.push({ id: peer.id, label: peer.label, role: peer.role, status: 'skipped', reason })
        continue
      }
      rows.push(await measurePeer(peer, url, admin, options))
    }
    const { version } = await redis.info()
    return {
      section: { version: peersSectionVersion, profile: options.profile.name, redisVersion: version, rows },
      redis: { version, source: 'started', persistence: 'none', url: redactUrl(url) },
    }
  } finally {
    admin.disconnect()
  }
}

async function measurePeer(
  peer: PeerAdapter,
  url: string,
  admin: Redis,
  { profile, progress, faults = true }: RunPeersOptions,
): Promise<PeerRow> {
  const say = (what: string) => progress?.(`${peer.id}: ${what}`)
  const inFlight = (processes: number) =>
    peer.runtime === 'python'
      ? 1
      : processes === 1
        ? profile.inFlight
        : Math.ceil(profile.inFlight / processes)

  // Phase 1: one call at a time, for latency and round trips.
  say(`sequential, ${profile.sequentialTasks} tasks`)
  const sequentialRun = await timedPass(peer, url, admin, freshChord('seq', profile.sequentialTasks), 1, 1)
  const latencies = sequentialRun.latenciesUs
  const summary = summarizeSamples(latencies)
  // Phase 2: one process, several calls outstanding; Phase 3: several processes.
  say(`1 process × ${inFlight(1)} in flight, ${profile.throughputTasks} tasks`)
  const oneProcess = await timedPass(
    peer,
    url,
    admin,
    freshChord('one', profile.throughputTasks),
    1,
    inFlight(1),
  )
  say(`${profile.processes} processes × ${inFlight(profile.processes)} in flight`)
  const processes = await timedPass(
    peer,
    url,
    admin,
    freshChord('many', profile.throughputTasks),
    profile.processes,
    inFlight(profile.processes),
  )
  // Phase 4: exactness under duplicate deliveries.
  say(`${Math.round(profile.duplicateRate * 100)}% duplicate deliveries, ${profile.duplicateTasks} tasks`)
  const duplicates = await judgeChord(peer, url, {
    fault: `${Math.round(profile.duplicateRate * 100)}% duplicates`,
    tasks: profile.duplicateTasks,
    duplicateRate: profile.duplicateRate,
    seed: profile.seed,
    processes: profile.processes,
    inFlight: inFlight(profile.processes),
  })
  const faultVerdicts: PeerExactness[] = []
  if (faults) {
    say(`connection resets, ${profile.faultRun.tasks} tasks`)
    faultVerdicts.push(await judgeResets(peer, url, profile.faultRun))
    say(`SIGKILL + restart under aof-always, ${profile.faultRun.tasks} tasks`)
    faultVerdicts.push(await judgeRestart(peer, profile.faultRun))
  }
  // Phase 5: barrier memory with all but one task completed (Node: in this process, no fork to wait for).
  const memoryProcesses = peer.runtime === 'node' ? 1 : profile.processes
  const memory: Array<{ tasks: number; bytes: number }> = []
  for (const tasks of profile.memoryTasks) {
    say(`memory at ${tasks} tasks`)
    memory.push({
      tasks,
      bytes: await memoryPass(peer, url, admin, tasks, memoryProcesses, inFlight(memoryProcesses)),
    })
  }
  return {
    id: peer.id,
    label: peer.label,
    role: peer.role,
    status: 'measured',
    sequential: { ...sequentialRun.pass, p50Us: summary.p50, p99Us: summary.p99 },
    oneProcess: oneProcess.pass,
    processes: processes.pass,
    faults: [duplicates, ...faultVerdicts],
    memory,
  }
}

/** Completes every task of a fresh chord once, counting what Redis did in between. */
async function timedPass(
  peer: PeerAdapter,
  url: string,
  admin: Redis,
  chord: ChordSpec,
  processes: number,
  inFlight: number,
): Promise<{ pass: PeerPass; latenciesUs: number[] }> {
  const handoff = await peer.createChord(url, chord)
  try {
    const slices = sliceDeliveries(chord.taskIds, processes)
    let before: ServerCounters | undefined
    // The window opens once every process is connected and set up (BullMQ: its Job objects fetched).
    const records = await completeChord(peer, url, chord, handoff, slices, inFlight, async () => {
      before = await readCounters(admin)
    })
    const after = await readCounters(admin)
    if (before === undefined) throw new Error('completeChord never started the run')
    const failed = records.filter(record => record.outcome !== 'ok')
    if (failed.length > 0)
      throw new Error(`${peer.id}: ${failed.length} completions failed in a run without faults`)
    const wallMs = Math.max(...records.map(r => r.endedAt)) - Math.min(...records.map(r => r.startedAt))
    const counters = perCompletion(before, after, records.length)
    return {
      pass: {
        processes,
        inFlight,
        completions: records.length,
        wallMs,
        completionsPerSecond: (records.length / wallMs) * 1000,
        commandsPerCompletion: counters.commands,
        byCommand: counters.byCommand,
        roundTripsPerCompletion: counters.roundTrips,
        serverCpuUsPerCompletion: counters.cpuUs,
      },
      latenciesUs: records.map(record => (record.endedAt - record.startedAt) * 1000),
    }
  } finally {
    await peer.deleteChord(url, chord, handoff)
  }
}

/** Bytes of the chord's barrier keys with every task but one completed: the barrier at its largest. */
async function memoryPass(
  peer: PeerAdapter,
  url: string,
  admin: Redis,
  tasks: number,
  processes: number,
  inFlight: number,
): Promise<number> {
  const chord = freshChord('mem', tasks)
  const handoff = await peer.createChord(url, chord)
  try {
    const completing = chord.taskIds.slice(0, tasks - 1)
    await completeChord(peer, url, chord, handoff, sliceDeliveries(completing, processes), inFlight)
    let bytes = 0
    for (const key of await peer.barrierKeys(url, chord, handoff)) {
      bytes += Number((await admin.memory('USAGE', key, 'SAMPLES', 0)) ?? 0)
    }
    return bytes
  } finally {
    await peer.deleteChord(url, chord, handoff)
  }
}
