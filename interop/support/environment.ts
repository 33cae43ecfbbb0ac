import { afterAll, beforeAll } from 'vitest'
import { RedisServer, type StartedRedisServer } from '../../src/servers/index.ts'
import { CeleryWorker } from './celery-worker.ts'

export interface WorkerSpec {
  /** Node and queue name. */
  name: string
  /** Celery's `result_extended`. */
  extended: boolean
  /** The Redis database this worker's app uses as broker and backend, so apps never share keys. */
  db: number
}

export interface InteropEnvironment {
  /** The suite's redis-server, database `db`. */
  redisUrl(db: number): string
  worker(name: string): CeleryWorker
}

/**
 * A test file's environment: its own redis-server (always one the suite starts, even when REDIS_URL
 * is set, because Celery's broker keys and the worker's queues must not land on a shared server),
 * and one Celery worker per app configuration, started once for the whole file. afterAll stops the
 * workers first (they would otherwise retry a vanished broker), then Redis.
 */
export function useInteropEnvironment(workers: readonly WorkerSpec[] = []): InteropEnvironment {
  let redis: StartedRedisServer | undefined
  const running = new Map<string, CeleryWorker>()

  beforeAll(async () => {
    redis = await new RedisServer().start()
    const server = redis
    const started = await Promise.allSettled(
      workers.map(spec => CeleryWorker.start({ ...spec, redisUrl: `${server.url()}/${spec.db}` })),
    )
    started.forEach((outcome, index) => {
      const spec = workers[index]
      if (outcome.status === 'fulfilled' && spec) running.set(spec.name, outcome.value)
    })
    const failure = started.find(outcome => outcome.status === 'rejected')
    if (failure) throw failure.reason
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([...running.values()].map(worker => worker.stop()))
    await redis?.stop()
  }, 60_000)

  return {
    redisUrl(db) {
      if (redis === undefined) throw new Error('the interop Redis is not running (used outside a test?)')
      return `${redis.url()}/${db}`
    },
    worker(name) {
      const worker = running.get(name)
      if (worker === undefined) throw new Error(`no Celery worker named ${name} is running`)
      return worker
    },
  }
}
