import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import type { BarrierName } from '../../src/backend/barrier/index.ts'
import { redactUrl } from '../../src/backend/url.ts'
import { type RoundPhase, runInterleaved } from '../../src/measure/interleave.ts'
import { ratioAcrossRounds } from '../../src/measure/ratio.ts'
import type { RedisEnvironment } from '../../src/report/schema.ts'
import {
  type TopologyOperation,
  type TopologyPass,
  type TopologySection,
  topologySectionVersion,
} from '../../src/report/sections/topology-data.ts'
import { armFigures } from './arm-figures.ts'
import { ClientPool } from './client-pool.ts'
import { measureRound, openProbes, type Probes } from './measure-round.ts'
import type { TopologyProfile } from './profiles.ts'
import {
  backendSingleTargetId,
  controlTargetId,
  startTopologyServers,
  type TopologyServers,
} from './servers.ts'
import type { StoreName } from './stores.ts'
import type { WorkloadSettings } from './worker-protocol.ts'
import { controlMethodOf, methodOf } from './workloads.ts'

export interface RunTopologyOptions {
  profile: TopologyProfile
  /**
   * Replicas per primary in every cluster. 0 measures the primaries alone: on a small machine a
   * replica is one more process competing for the same cores (and replicating every write).
   * @default 0
   */
  replicasPerPrimary?: number
  /** The operations to measure. @default both */
  operations?: readonly TopologyOperation[]
  /**
   * The barrier of the completions. Only `reference` is exact; the broken ones are there to show
   * that the applied check catches them. @default 'reference'
   */
  barrier?: BarrierName
  /** Every n-th completion call re-delivers the task completed before it (0: never). @default 0 */
  redeliverEvery?: number
  /**
   * How the backend arms store results. Only `reference` stores what it reports; the broken ones
   * are there to show that the read-back catches them. @default 'reference'
   */
  store?: StoreName
  /** One line per step (the CLI prints them). @default no output */
  progress?: (line: string) => void
}

/** The topology section, and the control server (for the run's environment). */
export interface TopologyRun {
  section: TopologySection
  redis: RedisEnvironment
}

const operationUnits: Record<TopologyOperation, string> = {
  storeResults: 'results/s',
  chordCompleteTask: 'completions/s',
}

/**
 * Measures storeResults and chordCompleteTask on a cluster of each size, the same backend workload
 * on a plain redis-server, and raw commands on that server, from one client process and from
 * several, all servers running at once and the arms alternating round by round. Every server and
 * process is stopped when it returns or throws.
 */
export async function runTopology(options: RunTopologyOptions): Promise<TopologyRun> {
  const { profile } = options
  const progress = options.progress ?? (() => {})
  const replicasPerPrimary = options.replicasPerPrimary ?? 0
  const operations = options.operations ?? (['storeResults', 'chordCompleteTask'] as const)
  const settings: WorkloadSettings = {
    storeBatch: profile.storeBatch,
    storeInFlight: profile.storeInFlight,
    completionsInFlight: profile.completionsInFlight,
    chordsPerProcess: profile.chordsPerProcess,
    barrier: options.barrier ?? 'reference',
    redeliverEvery: options.redeliverEvery ?? 0,
    store: options.store ?? 'reference',
    namespace: `chordlab-topology-${randomBytes(4).toString('hex')}:`,
  }
  const cores = availableParallelism()

  // Phase 1: every server at once (clusters joined and healthy), then the client processes.
  progress(`starting a plain redis-server and clusters of ${profile.primaries.join(', ')} primaries`)
  await using servers = await startTopologyServers(profile.primaries, replicasPerPrimary)
  const probes = openProbes(servers, settings.namespace)
  try {
    const poolSize = Math.max(...profile.processes)
    progress(`forking ${poolSize} client process${poolSize === 1 ? '' : 'es'}`)
    await using pool = await ClientPool.start(poolSize, servers.targets, settings)

    // Phase 2: one pass per operation and process count; the arms alternate within it.
    const passes: TopologyPass[] = []
    for (const operation of operations) {
      for (const processes of profile.processes) {
        passes.push(
          await measurePass({
            servers,
            probes,
            pool,
            cores,
            profile,
            settings,
            operation,
            processes,
            progress,
          }),
        )
      }
    }

    // Phase 3: the section.
    const { version } = await servers.control.info()
    return {
      section: {
        version: topologySectionVersion,
        profile: profile.name,
        redisVersion: version,
        settings: {
          primaries: [...profile.primaries],
          replicasPerPrimary,
          processes: [...profile.processes],
          rounds: profile.rounds,
          roundMs: profile.roundMs,
          storeBatch: settings.storeBatch,
          storeInFlight: settings.storeInFlight,
          completionsInFlight: settings.completionsInFlight,
          chordsPerProcess: settings.chordsPerProcess,
          barrier: settings.barrier,
          redeliverEvery: settings.redeliverEvery,
          store: settings.store,
          readBackSample: profile.readBackSample,
          cores,
        },
        passes,
      },
      redis: { version, source: 'started', persistence: 'none', url: redactUrl(servers.control.url()) },
    }
  } finally {
    await probes.close()
  }
}

/**
 * One operation from `processes` processes: every cluster, the backend on the plain server and the
 * raw control, interleaved round by round.
 */
async function measurePass(context: {
  servers: TopologyServers
  probes: Probes
  pool: ClientPool
  cores: number
  profile: TopologyProfile
  settings: WorkloadSettings
  operation: TopologyOperation
  processes: number
  progress: (line: string) => void
}): Promise<TopologyPass> {
  const { servers, profile, settings, operation, processes } = context
  const say = (text: string) =>
    context.progress(`${operation}, ${processes} process${processes === 1 ? '' : 'es'}: ${text}`)
  const arm = (targetId: string) => ({
    name: targetId,
    measure: (phase: RoundPhase) =>
      measureRound({
        ...context,
        targetId,
        timeMs: phase === 'warmup' ? profile.warmupMs : profile.roundMs,
        readBackSample: profile.readBackSample,
      }),
  })
  say('warm-up')
  const measured = await runInterleaved(
    [...servers.clusters.map(target => arm(target.id)), arm(backendSingleTargetId), arm(controlTargetId)],
    {
      rounds: profile.rounds,
      onMeasured: ({ arm: name, round }) => say(`round ${round + 1}/${profile.rounds}, ${name}`),
    },
  )
  const ratesOf = (targetId: string) => {
    const rounds = measured.find(result => result.arm.name === targetId)?.rounds ?? []
    return { rounds, perSecond: rounds.map(round => round.perSecond) }
  }
  const control = ratesOf(controlTargetId)
  const backendSingle = ratesOf(backendSingleTargetId)
  return {
    operation,
    unit: operationUnits[operation],
    processes,
    method: methodOf(operation, settings),
    control: { ...armFigures(control.rounds), method: controlMethodOf(operation, settings) },
    backendSingle: {
      ...armFigures(backendSingle.rounds),
      ratioToControl: ratioAcrossRounds(backendSingle.perSecond, control.perSecond),
    },
    clusters: servers.clusters.map(target => {
      const cluster = ratesOf(target.id)
      return {
        primaries: target.primaries,
        nodes: target.cluster.nodes.length,
        ...armFigures(cluster.rounds),
        ratioToControl: ratioAcrossRounds(cluster.perSecond, control.perSecond),
        ratioToBackendSingle: ratioAcrossRounds(cluster.perSecond, backendSingle.perSecond),
      }
    }),
  }
}
