import { redactUrl } from '../src/backend/url.ts'
import { startToxiproxy } from '../src/faults/provider-chain.ts'
import type { ToxiproxyProviderKind } from '../src/faults/started-toxiproxy.ts'
import type { RedisEnvironment } from '../src/report/schema.ts'
import {
  type ChaosScenarioReport,
  type ChaosSection,
  chaosSectionVersion,
  type PersistenceRow,
} from '../src/report/sections/chaos.ts'
import { chaosScenarios } from './scenarios.ts'
import { redisVersion, resolveRedisSource, startRedisTarget } from './support/redis-target.ts'
import type { ChaosScenario, ChaosSize } from './support/scenario.ts'

export interface ChaosRunOptions {
  size: ChaosSize
  /** Scenario ids to run, in the registry's order. @default every scenario */
  scenarios?: readonly string[]
  /** Where Redis runs: a local redis-server, or a container when an engine answers. @default 'local' */
  redis?: 'local' | 'docker'
  /** First Toxiproxy provider to try. @default 'url' (the whole chain) */
  toxiproxyFrom?: ToxiproxyProviderKind
  /** Seeds every chord's delivery order. @default 1 */
  seed?: number
  /** One line per step. @default nothing */
  progress?: (line: string) => void
}

/**
 * What a process kill cannot show, and what else these scenarios leave out; printed in every
 * report so nobody reads the persistence table as more than it is.
 */
export const chaosLimits: readonly string[] = [
  'A process kill (SIGKILL) leaves the kernel running: whatever Redis had handed to write(2) is in the page ' +
    'cache and survives, whatever appendfsync says. always, everysec and no differ only when the machine ' +
    'itself goes down (an OS crash or a power loss), which these runs do not cause; that needs a VM power ' +
    'cut, LazyFS or dm-flakey.',
  'aof-everysec can still lose acknowledged writes to a SIGKILL, for another reason: while a background ' +
    'fsync is running, Redis postpones its write(2) for up to 2 s and sends the replies anyway.',
  'The latency cost of each persistence profile is measured by the bench suite (chordlab bench), not here.',
  'The other scenarios use one Redis node; replication and failover are exercised by the failover ' +
    'scenario (cluster and Sentinel); WAITAOF (Redis >= 7.2) is not.',
]

/** Runs the chosen scenarios against one Toxiproxy (from the provider chain) and returns the report section. */
export async function runChaos(
  options: ChaosRunOptions,
): Promise<{ section: ChaosSection; redis: RedisEnvironment }> {
  const progress = options.progress ?? (() => {})
  const wanted = options.scenarios ?? chaosScenarios.map(scenario => scenario.id)
  const selected = chaosScenarios.filter(scenario => wanted.includes(scenario.id))
  const { source, notes } = await resolveRedisSource(options.redis ?? 'local')
  const redis = await describeRedis(source)
  await using toxiproxy = await startToxiproxy({ from: options.toxiproxyFrom })
  progress(`toxiproxy: ${toxiproxy.description}`)
  for (const skip of toxiproxy.skipped) progress(`toxiproxy: passed over ${skip.kind}: ${skip.reason}`)

  const scenarios: ChaosScenarioReport[] = []
  const persistence: PersistenceRow[] = []
  for (const scenario of selected) {
    progress(`${scenario.id}: starting`)
    const outcome = await runOne(scenario, {
      toxiproxy,
      redisSource: source,
      size: options.size,
      seed: options.seed ?? 1,
      progress: line => progress(`${scenario.id}: ${line}`),
    })
    scenarios.push(outcome.report)
    persistence.push(...(outcome.persistence ?? []))
    progress(`${scenario.id}: ${outcome.report.status} (${(outcome.report.durationMs / 1000).toFixed(1)} s)`)
  }
  return {
    redis,
    section: {
      version: chaosSectionVersion,
      profile: options.size.name,
      toxiproxy: {
        kind: toxiproxy.kind,
        description: toxiproxy.description,
        skipped: toxiproxy.skipped.map(skip => ({ ...skip })),
      },
      redis: {
        description: `${redis.source === 'external' ? 'REDIS_URL' : source} Redis ${redis.version}`,
        notes,
      },
      scenarios,
      persistence,
      limits: [...chaosLimits],
    },
  }
}

/** A scenario that throws is reported as failed with the error, and the run goes on. */
async function runOne(
  scenario: ChaosScenario,
  context: Parameters<ChaosScenario['run']>[0],
): ReturnType<ChaosScenario['run']> {
  const started = performance.now()
  try {
    return await scenario.run(context)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return {
      report: {
        id: scenario.id,
        title: scenario.title,
        description: scenario.description,
        status: 'failed',
        skipReason: null,
        durationMs: performance.now() - started,
        runs: [],
        measurements: [],
        expectations: [{ id: 'ran', statement: 'the scenario ran to the end', met: false, detail: message }],
      },
    }
  }
}

/** The version and origin of the Redis the run uses, read from a short-lived server of the same source. */
async function describeRedis(source: 'local' | 'docker' | 'external'): Promise<RedisEnvironment> {
  await using probe = await startRedisTarget(source, 'none')
  return {
    version: await redisVersion(probe.url()),
    source: source === 'external' ? 'external' : 'started',
    persistence: source === 'external' ? 'unknown' : 'per scenario (none, rdb, aof-everysec, aof-always)',
    url: source === 'external' ? redactUrl(probe.url()) : `${source} redis-server on 127.0.0.1, one per run`,
  }
}
