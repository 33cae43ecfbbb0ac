import type { RedisClient } from '../../src/backend/connection.ts'
import type { RedisTarget } from '../../src/backend/target.ts'
import type { RedisEnvironment } from '../../src/report/schema.ts'
import { RedisCluster } from '../../src/servers/index.ts'
import { openPropertyRedis, openScriptedClient, openScriptedClusterClient } from './redis.ts'

/**
 * Where a property's chords live: one redis-server (or REDIS_URL), or a Redis Cluster of
 * `clusterPrimaries` primaries that chordlab starts on loopback (REDIS_URL names one server, never
 * a cluster, so a cluster is always chordlab's own).
 */
export type TopologyKind = 'single-server' | 'cluster'

/** Primaries of the cluster a property runs against; replicas play no part in what it checks. */
export const clusterPrimaries = 3

/** The Redis one property runs against, whatever its shape. */
export interface PropertyTopology extends AsyncDisposable {
  /** What the report says about it. */
  readonly environment: RedisEnvironment
  /** What `RedisResultBackend` connects to. */
  readonly target: RedisTarget
  /** A connection of its own with the backend's scripts defined, for driving a barrier directly. */
  openClient(): Promise<RedisClient>
}

export function openPropertyTopology(kind: TopologyKind): Promise<PropertyTopology> {
  return kind === 'cluster' ? openPropertyCluster() : openPropertySingleServer()
}

async function openPropertySingleServer(): Promise<PropertyTopology> {
  const redis = await openPropertyRedis()
  return {
    environment: redis.environment,
    target: redis.url,
    openClient: async () => openScriptedClient(redis.url),
    [Symbol.asyncDispose]: () => redis[Symbol.asyncDispose](),
  }
}

async function openPropertyCluster(): Promise<PropertyTopology> {
  const cluster = await new RedisCluster({ primaries: clusterPrimaries, replicasPerPrimary: 0 }).start()
  try {
    const addresses = cluster.addresses()
    const [first] = cluster.nodes
    const version = first === undefined ? 'unknown' : (await first.info()).version
    return {
      environment: {
        version,
        source: 'started',
        persistence: 'none',
        url: `cluster of ${clusterPrimaries} primaries, no replicas: ${addresses.map(node => `${node.host}:${node.port}`).join(', ')}`,
      },
      target: { cluster: addresses },
      openClient: () => openScriptedClusterClient(addresses),
      [Symbol.asyncDispose]: () => cluster.stop(),
    }
  } catch (error) {
    await cluster.stop()
    throw error
  }
}
