import { redactUrl } from '../src/index.ts'
import { finishRun, startRun } from '../src/report/run-results.ts'
import type { RunResults } from '../src/report/schema.ts'
import {
  type BenchSectionData,
  type BenchSuiteId,
  benchSectionVersion,
  benchSuiteIds,
} from '../src/report/sections/bench-data.ts'
import { ExternalRedisServer, type RedisHandle, RedisServer } from '../src/servers/index.ts'
import { type BenchTarget, openBenchTarget } from './bench-target.ts'
import { runHttpSuite } from './http-suite.ts'
import { runLatencySuite } from './latency-suite.ts'
import { runPersistenceSuite } from './persistence-suite.ts'
import type { BenchProfile } from './profiles.ts'
import { runSpecSuite } from './spec-suite.ts'
import { runThroughputSuite } from './throughput-suite.ts'

export interface RunBenchOptions {
  profile: BenchProfile
  /** Suites to run; they run in the order of `benchSuiteIds` whatever the order given. @default all */
  suites?: readonly BenchSuiteId[]
  /**
   * Run against this server instead of starting one. The persistence suite is then skipped: it
   * needs servers it starts itself, one per profile.
   * @default undefined (start a redis-server without persistence)
   */
  redisUrl?: string
  /** Progress lines (the CLI shows them live on a terminal, plainly in CI). */
  progress?: (line: string) => void
}

const persistenceNeedsOwnServers =
  'needs redis-servers it starts itself (one per persistence profile); a Redis URL was given'

/**
 * Runs the chosen suites against one Redis and returns the run's results, with everything
 * measured under `sections.bench`. Writing the report is the caller's job.
 */
export async function runBench(options: RunBenchOptions): Promise<RunResults> {
  const { profile } = options
  const progress = options.progress ?? (() => {})
  const suites = benchSuiteIds.filter(suite => (options.suites ?? benchSuiteIds).includes(suite))
  const external = options.redisUrl !== undefined
  await using redis: RedisHandle =
    options.redisUrl === undefined
      ? await new RedisServer({ profile: 'none' }).start()
      : new ExternalRedisServer(options.redisUrl)
  const url = redis.url()
  progress(`redis: ${redactUrl(url)}${external ? ' (external)' : ', started by chordlab, no persistence'}`)
  const target = await openBenchTarget(url, { removeKeysOnClose: external })
  try {
    const version = /^redis_version:(\S+)/m.exec(await target.setup.info('server'))?.[1] ?? 'unknown'
    const started = startRun({
      suite: 'bench',
      profile: profile.name,
      redis: {
        version,
        source: external ? 'external' : 'started',
        persistence: external ? 'unknown' : 'none',
        url: redactUrl(url),
      },
    })
    const bench = await runSuites(suites, { profile, target, external, progress })
    return finishRun({ ...started, sections: { ...started.sections, bench } })
  } finally {
    await target.close()
  }
}

async function runSuites(
  suites: readonly BenchSuiteId[],
  context: {
    profile: BenchProfile
    target: BenchTarget
    external: boolean
    progress: (line: string) => void
  },
): Promise<BenchSectionData> {
  const { profile, target, external, progress } = context
  const data: BenchSectionData = {
    version: benchSectionVersion,
    settings: {
      profile: profile.name,
      suites: [...suites],
      concurrency: profile.latency.concurrency,
      redis: { source: external ? 'external' : 'started', persistence: external ? 'unknown' : 'none' },
    },
  }
  const shared = { profile, target, progress }
  if (suites.includes('latency')) data.latency = { status: 'ran', ...(await runLatencySuite(shared)) }
  if (suites.includes('throughput'))
    data.throughput = { status: 'ran', ...(await runThroughputSuite(shared)) }
  if (suites.includes('http')) data.http = { status: 'ran', ...(await runHttpSuite(shared)) }
  if (suites.includes('persistence')) {
    data.persistence = external
      ? { status: 'skipped', reason: persistenceNeedsOwnServers }
      : { status: 'ran', ...(await runPersistenceSuite({ profile, progress })) }
    if (external) progress(`persistence: skipped, ${persistenceNeedsOwnServers}`)
  }
  if (suites.includes('spec')) {
    const latency = data.latency?.status === 'ran' ? data.latency : undefined
    data.spec = {
      status: 'ran',
      ...(await runSpecSuite({ ...shared, external, ...(latency ? { latency } : {}) })),
    }
  }
  return data
}
