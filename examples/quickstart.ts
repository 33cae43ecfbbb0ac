import { isDeepStrictEqual } from 'node:util'
import { type BarrierName, barrierNames, RedisResultBackend, redactUrl, type TaskMeta } from '../src/index.ts'
import { RedisCluster, RedisSentinelGroup, RedisServer } from '../src/servers/index.ts'
import { raceChord } from '../src/workloads/chord-race.ts'

/** What the demo runs on: a Redis the user names (any URL form the backend takes), or one it starts. */
export type DemoRedis = { url: string } | { start: 'single' | 'cluster' | 'sentinel' }

export interface QuickstartOptions {
  /** @default { start: 'single' } */
  redis?: DemoRedis
  tasks: number
  workers: number
  duplicateRate: number
  seed: number
  print: (line: string) => void
}

/**
 * The README's main job: start Redis (or use the one given), store and read a result in every
 * state, then complete one chord from many connections with duplicate deliveries, once with each
 * barrier. Resolves true when the reference barrier was exact.
 */
export async function runQuickstart(options: QuickstartOptions): Promise<boolean> {
  const { print } = options
  await using redis = await openDemoRedis(options.redis ?? { start: 'single' })
  const { url } = redis
  print(`Redis: ${redis.where}`)

  await using backend = new RedisResultBackend(url, { namespace: `chordlab-quickstart-${process.pid}` })
  const metas = sampleResults()
  await backend.storeResults(metas, { ttlSeconds: 300 })
  const readBack = await backend.getResults(metas.map(meta => meta.taskId))
  print(`\nResults stored and read back (${backend.keys.result('<id>')}, TTL 300 s):`)
  for (const [index, meta] of readBack.entries()) {
    const same = isDeepStrictEqual(meta, metas[index])
    print(
      `  ${(meta?.result.state ?? 'missing').padEnd(8)} ${describe(meta)}${same ? '' : '   (DIFFERS from what was stored)'}`,
    )
  }
  await Promise.all(metas.map(meta => backend.deleteResult(meta.taskId)))

  print(
    `\nOne chord of ${options.tasks} tasks, completed by ${options.workers} connections, ` +
      `${Math.round(options.duplicateRate * 100)}% of tasks delivered 2-3 times (seed ${options.seed}):`,
  )
  print(
    `  ${'barrier'.padEnd(10)} ${'verdict'.padEnd(18)} ${'isLast seen'.padStart(11)} ${'final count'.padStart(11)} ${'time'.padStart(8)}`,
  )
  let referenceExact = false
  for (const barrier of barrierNames) {
    const race = await raceChord({
      url,
      backend: { barrier, namespace: `chordlab-quickstart-${process.pid}` },
      total: options.tasks,
      workers: options.workers,
      duplicateRate: options.duplicateRate,
      seed: options.seed,
    })
    const { check } = race
    if (barrier === 'reference') referenceExact = check.verdict === 'exact'
    print(
      `  ${barrier.padEnd(10)} ${check.verdict.padEnd(18)} ${String(check.firedCount).padStart(11)} ` +
        `${String(check.finalCount).padStart(11)} ${`${Math.round(race.durationMs)} ms`.padStart(8)}${label(barrier)}`,
    )
    for (const violation of check.violations)
      print(`  ${''.padEnd(10)} - ${violation.kind}: ${violation.detail}`)
  }
  print(
    referenceExact
      ? '\nThe reference barrier counted every task once and named exactly one last completion.'
      : '\nThe reference barrier was NOT exact: this is a bug, please report it with the seed above.',
  )
  return referenceExact
}

interface DemoTarget extends AsyncDisposable {
  /** May hold a password when the user gave it: print `where`, never this. */
  url: string
  where: string
}

async function openDemoRedis(choice: DemoRedis): Promise<DemoTarget> {
  if ('url' in choice) {
    return {
      url: choice.url,
      where: `${redactUrl(choice.url)} (given)`,
      [Symbol.asyncDispose]: async () => {},
    }
  }
  switch (choice.start) {
    case 'single': {
      const server = await new RedisServer().start()
      const { version } = await server.info()
      return started(server, `redis-server ${version}`)
    }
    case 'cluster':
      return started(await new RedisCluster().start(), 'a 3-primary cluster (1 replica each)')
    case 'sentinel':
      return started(await new RedisSentinelGroup().start(), 'a primary with replicas under 3 sentinels')
  }
}

function started(topology: { url(): string; stop(): Promise<void> }, description: string): DemoTarget {
  return {
    url: topology.url(),
    where: `${description}, started by chordlab on ${topology.url()}`,
    [Symbol.asyncDispose]: () => topology.stop(),
  }
}

function label(barrier: BarrierName): string {
  return barrier === 'reference' ? '' : '  (broken on purpose)'
}

function describe(meta: TaskMeta | null): string {
  if (!meta) return ''
  const { result } = meta
  switch (result.state) {
    case 'SUCCESS':
      return `${meta.taskName} -> ${JSON.stringify(result.value)}`
    case 'FAILURE':
      return `${meta.taskName} raised ${result.excModule}.${result.excType}: ${result.message}`
    case 'RETRY':
      return `${meta.taskName} retry #${result.retries}: ${result.message ?? ''}`
    case 'REVOKED':
      return `${meta.taskName} revoked: ${result.reason ?? ''}`
    default:
      return `${meta.taskName}${meta.worker ? ` on ${meta.worker}` : ''}`
  }
}

function sampleResults(): TaskMeta[] {
  const now = new Date()
  const base = {
    taskName: 'tasks.add',
    createdAt: now,
    startedAt: now,
    completedAt: null,
    worker: 'worker-1',
  }
  const id = (state: string) => `quickstart-${state.toLowerCase()}-${process.pid}`
  return [
    { ...base, taskId: id('PENDING'), startedAt: null, worker: null, result: { state: 'PENDING' } },
    { ...base, taskId: id('STARTED'), result: { state: 'STARTED' } },
    {
      ...base,
      taskId: id('SUCCESS'),
      completedAt: now,
      result: { state: 'SUCCESS', value: { sum: 4, terms: [2, 2] } },
    },
    {
      ...base,
      taskId: id('FAILURE'),
      taskName: 'tasks.divide',
      completedAt: now,
      result: {
        state: 'FAILURE',
        message: 'division by zero',
        excType: 'ZeroDivisionError',
        excModule: 'builtins',
      },
    },
    {
      ...base,
      taskId: id('RETRY'),
      taskName: 'tasks.fetch',
      result: { state: 'RETRY', retries: 2, message: 'Retry in 5s' },
    },
    {
      ...base,
      taskId: id('REVOKED'),
      completedAt: now,
      result: { state: 'REVOKED', reason: 'terminated by operator' },
    },
  ]
}
