import { randomUUID } from 'node:crypto'
import { Cluster, Redis } from 'ioredis'
import { defineScripts } from '../../src/backend/scripts.ts'
import { parseRedisUrl, redactUrl } from '../../src/backend/url.ts'
import type { RedisEnvironment } from '../../src/report/schema.ts'
import {
  type NodeAddress,
  type PersistenceProfile,
  type StartedRedisServer,
  startRedisForSuite,
} from '../../src/servers/index.ts'

/** The Redis one property runs against, with what the report says about it. */
export interface PropertyRedis extends AsyncDisposable {
  /** Where to connect (REDIS_URL may carry a password: never print it, use `environment.url`). */
  readonly url: string
  readonly environment: RedisEnvironment
  /** The server chordlab started, which can be killed and restarted; undefined under REDIS_URL. */
  readonly server: StartedRedisServer | undefined
}

/**
 * Starts a redis-server with `profile` for one property (or uses REDIS_URL, whose persistence is
 * whatever its owner configured). Keys are namespaced per property, so a shared server is fine.
 */
export async function openPropertyRedis(profile: PersistenceProfile = 'none'): Promise<PropertyRedis> {
  const handle = await startRedisForSuite({ profile })
  try {
    const url = handle.url()
    const server = handle.external ? undefined : handle
    const version = server ? (await server.info()).version : await externalVersion(url)
    return {
      url,
      server,
      environment: {
        version,
        source: server ? 'started' : 'external',
        persistence: server ? profile : 'unknown',
        url: redactUrl(url),
      },
      [Symbol.asyncDispose]: () => handle.stop(),
    }
  } catch (error) {
    await handle.stop()
    throw error
  }
}

/**
 * A plain ioredis connection with the backend's scripts defined, for driving a barrier directly.
 * It reconnects quickly (a property may restart the server) and gives up on a command after two
 * reconnection attempts instead of queueing it forever.
 */
export function openScriptedClient(url: string): Redis {
  const client = new Redis({
    ...parseRedisUrl(url).options,
    maxRetriesPerRequest: 2,
    retryStrategy: times => Math.min(times * 20, 200),
  })
  // Connection errors surface as rejected commands; the event itself would be an unhandled 'error'.
  client.on('error', () => {})
  defineScripts(client)
  return client
}

/**
 * The same for a Redis Cluster: an ioredis `Cluster` client with the backend's scripts defined,
 * resolved once it has the slot map, so a run's first command does not wait for the discovery.
 * It gives up connecting after three attempts; the caller closes it with `disconnect()`.
 */
export async function openScriptedClusterClient(nodes: readonly NodeAddress[]): Promise<Cluster> {
  const client = new Cluster([...nodes], {
    redisOptions: { maxRetriesPerRequest: 2 },
    lazyConnect: true,
    clusterRetryStrategy: times => (times > 3 ? null : Math.min(times * 20, 200)),
  })
  // As above: connection errors surface as rejected commands (or as connect() rejecting).
  client.on('error', () => {})
  defineScripts(client)
  try {
    await client.connect()
    return client
  } catch (error) {
    client.disconnect()
    throw error
  }
}

async function externalVersion(url: string): Promise<string> {
  const client = openScriptedClient(url)
  try {
    const info = await client.info('server')
    return /^redis_version:(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown'
  } finally {
    client.disconnect()
  }
}

/**
 * A key namespace of one property's own (ends in `:`, which Celery's rule keeps as it is), so runs
 * on a shared REDIS_URL server never meet each other's keys and nothing needs flushing.
 */
export function propertyNamespace(propertyId: string): string {
  return `chordlab-props-${propertyId}-${randomUUID().slice(0, 8)}:`
}
