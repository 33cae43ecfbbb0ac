import { runInterleaved } from '../src/measure/interleave.ts'
import { ratioAcrossRounds, roundStat } from '../src/measure/ratio.ts'
import type {
  PersistenceLatency,
  PersistenceSuite,
  PersistenceThroughput,
} from '../src/report/sections/bench-data.ts'
import { type PersistenceProfile, RedisServer, type StartedRedisServer } from '../src/servers/index.ts'
import { type BenchTarget, openBenchTarget } from './bench-target.ts'
import { latencyArm, latencyFigures, percentileRatio } from './latency-figures.ts'
import { measureRates, prepareSteps } from './measure-rates.ts'
import { latencyOperations } from './operations.ts'
import type { BenchProfile } from './profiles.ts'
import { rateWorkloads } from './throughput-workloads.ts'

export interface PersistenceSuiteOptions {
  profile: BenchProfile
  progress: (line: string) => void
}

/** `none` first: every other profile is reported as a cost relative to it. */
const profiles: PersistenceProfile[] = ['none', 'rdb', 'aof-everysec', 'aof-always']

const profileNotes: Record<string, string> = {
  none: 'no RDB, no AOF',
  rdb: 'RDB snapshot every second while anything changed (chordlab default save point 1 1: the worst case for fork cost)',
  'aof-everysec': 'AOF, appendfsync everysec',
  'aof-always': 'AOF, appendfsync always (an fsync before every write is acknowledged)',
}

/** Writes, where persistence costs something, and one read as a reference it should not touch. */
const measuredOperations = ['storeResult (TTL)', 'chordCompleteTask', 'getResult (hit)']

/**
 * The latency and throughput measurements on four servers at once, one per persistence profile,
 * interleaved across the servers round by round so all four see the same machine.
 */
export async function runPersistenceSuite(options: PersistenceSuiteOptions): Promise<PersistenceSuite> {
  const { rounds, roundMs } = options.profile.persistence
  options.progress(`persistence: starting ${profiles.length} redis-servers (${profiles.join(', ')})`)
  const servers: StartedRedisServer[] = []
  const targets: BenchTarget[] = []
  try {
    // 1. One server and one bench target per profile.
    for (const profile of profiles) {
      const server = await new RedisServer({ profile }).start()
      servers.push(server)
      targets.push(await openBenchTarget(server.url()))
    }
    // 2. Latency, one call at a time: the profiles are the arms.
    const latency: PersistenceLatency[] = []
    const operations = latencyOperations(options.profile.batchSize).filter(operation =>
      measuredOperations.includes(operation.operation),
    )
    for (const operation of operations) {
      options.progress(`persistence: latency of ${operation.operation} on each profile`)
      const arms = []
      for (const [index, target] of targets.entries()) {
        arms.push(
          latencyArm(profiles[index] as string, await operation.prepare(target), { roundMs, concurrency: 1 }),
        )
      }
      const [none, ...others] = await runInterleaved(arms, { rounds })
      if (none === undefined) throw new Error('the interleaved run lost the none profile')
      latency.push({
        operation: operation.operation,
        byProfile: [none, ...others].map(({ arm, rounds: measured }) => ({
          profile: arm.name,
          figures: latencyFigures(measured),
          p50VsNone: percentileRatio(measured, none.rounds, 50),
          p99VsNone: percentileRatio(measured, none.rounds, 99),
        })),
      })
    }
    // 3. Throughput: each workload's subject on every profile.
    const throughput: PersistenceThroughput[] = []
    for (const workload of rateWorkloads(options.profile.throughput)) {
      options.progress(`persistence: ${workload.workload} throughput on each profile`)
      const steps = await prepareSteps(
        targets.map((target, index) => ({
          name: profiles[index] as string,
          prepare: () => workload.subject.prepare(target),
        })),
      )
      const measured = await measureRates(steps, { rounds, roundMs })
      const noneRates = (measured[0] ?? []).map(round => round.perSecond)
      throughput.push({
        workload: workload.workload,
        unit: workload.unit,
        byProfile: measured.map((profileRounds, index) => {
          const rates = profileRounds.map(round => round.perSecond)
          return {
            profile: profiles[index] as string,
            perSecond: roundStat(rates),
            vsNone: ratioAcrossRounds(rates, noneRates),
          }
        }),
      })
    }
    return { profiles: [...profiles], profileNotes, rounds, roundMs, latency, throughput }
  } finally {
    await Promise.allSettled(targets.map(target => target.close()))
    await Promise.allSettled(servers.map(server => server.stop()))
  }
}
