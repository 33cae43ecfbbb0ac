import { setTimeout as delay } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { redactUrl } from '../../src/backend/url.ts'
import { probeDockerEngine } from '../../src/faults/docker-engine.ts'
import { type PersistenceProfile, persistenceDirectives } from '../../src/servers/persistence-profiles.ts'
import { startRedisForSuite } from '../../src/servers/start-redis-for-suite.ts'

/** Where the scenarios' Redis comes from; `external` is REDIS_URL, which chordlab never restarts. */
export type RedisSource = 'local' | 'docker' | 'external'

/** The image used when Redis runs in Docker (the reference pins `redis:8.x`; 7.2 is the oldest with WAITAOF). */
export const redisImage = 'redis:7.2'

const pollIntervalMs = 20

/**
 * One Redis for one scenario run, whatever runs it. A container's host port can change on
 * restart, so callers read `url()` and `address()` again after `restart`.
 */
export interface RedisTarget extends AsyncDisposable {
  readonly profile: PersistenceProfile | null
  url(): string
  /** `host:port`, what a proxy dials. */
  address(): string
  /** Ends the process (SIGKILL, or SIGTERM when graceful) and starts it on the same data; null when not ours to restart. */
  readonly restart: ((graceful: boolean) => Promise<void>) | null
  stop(): Promise<void>
}

/**
 * Decides once per run where Redis comes from: REDIS_URL when set; Docker when asked and an
 * engine answers (else local, with a one-line note saying why); otherwise a local redis-server.
 */
export async function resolveRedisSource(
  requested: 'local' | 'docker',
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ source: RedisSource; notes: string[] }> {
  if (env.REDIS_URL) {
    return { source: 'external', notes: ['REDIS_URL is set: the restart scenario cannot run against it.'] }
  }
  if (requested === 'local') return { source: 'local', notes: [] }
  const engine = await probeDockerEngine()
  if (engine.available) return { source: 'docker', notes: [] }
  return { source: 'local', notes: [`Docker Redis was asked for and skipped: ${engine.reason}.`] }
}

export async function startRedisTarget(
  source: RedisSource,
  profile: PersistenceProfile,
): Promise<RedisTarget> {
  return source === 'docker' ? startContainer(profile) : startLocal(profile)
}

/**
 * The persistence directives of `profile` as redis-server arguments (`save ""` -> `--save ''`), for a
 * container; docker-compose.yml spells out the same ones, and a test holds it to them.
 */
export function redisServerArgs(profile: PersistenceProfile): string[] {
  return persistenceDirectives(profile).flatMap(line => {
    const [directive = '', ...rest] = line.split(' ')
    const value = rest.join(' ')
    return [`--${directive}`, value === '""' ? '' : value]
  })
}

/** The Redis version, from INFO, for the report. */
export async function redisVersion(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null })
  client.on('error', () => {})
  try {
    const info = await client.info('server')
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown'
  } finally {
    client.disconnect()
  }
}

async function startLocal(profile: PersistenceProfile): Promise<RedisTarget> {
  const redis = await startRedisForSuite({ profile })
  const address = new URL(redis.url())
  return {
    profile: redis.external ? null : profile,
    url: () => redis.url(),
    address: () => address.host,
    restart: redis.external ? null : graceful => redis.restart({ graceful }),
    stop: () => redis.stop(),
    [Symbol.asyncDispose]: () => redis.stop(),
  }
}

/**
 * Redis in a container (@testcontainers/redis), with the same persistence directives as a local
 * server. Docker's restart with t=0 sends SIGTERM and SIGKILL at once; Redis only schedules its
 * shutdown on SIGTERM, so that is a crash in practice; a graceful restart allows 10 s.
 */
async function startContainer(profile: PersistenceProfile): Promise<RedisTarget> {
  const { RedisContainer } = await import('@testcontainers/redis')
  const container = await new RedisContainer(redisImage)
    .withCommand(['redis-server', ...redisServerArgs(profile)])
    .start()
  const stop = async () => {
    await container.stop()
  }
  return {
    profile,
    url: () => `redis://${container.getHost()}:${container.getPort()}`,
    address: () => `${container.getHost()}:${container.getPort()}`,
    restart: graceful => container.restart({ timeout: graceful ? 10_000 : 0 }),
    stop,
    [Symbol.asyncDispose]: stop,
  }
}

/** Polls PING on fresh connections until one answers PONG; throws after `timeoutMs`. */
export async function pingUntilAnswered(url: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  let lastError = 'no answer'
  while (performance.now() < deadline) {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
      connectTimeout: 1_000,
      commandTimeout: 1_000,
    })
    client.on('error', () => {})
    try {
      await client.connect()
      if ((await client.ping()) === 'PONG') return
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error)
    } finally {
      client.disconnect()
    }
    await delay(pollIntervalMs)
  }
  throw new Error(`Redis at ${redactUrl(url)} did not answer PING within ${timeoutMs} ms (${lastError})`)
}
