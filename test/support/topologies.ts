import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, onTestFinished } from 'vitest'
import {
  RedisCluster,
  type RedisClusterOptions,
  RedisSentinelGroup,
  type RedisSentinelGroupOptions,
  type StartedRedisCluster,
  type StartedRedisSentinelGroup,
} from '../../src/servers/index.ts'

/**
 * Starts one cluster for the whole file in beforeAll and stops it in afterAll (also when tests
 * fail). Clusters are always chordlab's own: REDIS_URL names a single server, not a cluster.
 */
export function useSuiteCluster(options: RedisClusterOptions = {}): () => StartedRedisCluster {
  let cluster: StartedRedisCluster | undefined
  beforeAll(async () => {
    cluster = await new RedisCluster(options).start()
  }, 60_000)
  afterAll(async () => {
    await cluster?.stop()
  })
  return () => {
    if (cluster === undefined) throw new Error('the suite cluster is not running (used outside a test?)')
    return cluster
  }
}

/** The same for a Sentinel group. */
export function useSuiteSentinelGroup(
  options: RedisSentinelGroupOptions = {},
): () => StartedRedisSentinelGroup {
  let group: StartedRedisSentinelGroup | undefined
  beforeAll(async () => {
    group = await new RedisSentinelGroup(options).start()
  }, 60_000)
  afterAll(async () => {
    await group?.stop()
  })
  return () => {
    if (group === undefined) throw new Error('the suite sentinel group is not running (used outside a test?)')
    return group
  }
}

/** A plain ioredis cluster client for looking behind the backend's back, closed when the test ends. */
export function openRawCluster(cluster: StartedRedisCluster, password?: string): Cluster {
  const client = new Cluster(cluster.addresses(), {
    ...(password === undefined ? {} : { redisOptions: { password } }),
    clusterRetryStrategy: () => null,
  })
  client.on('error', () => {})
  onTestFinished(() => {
    client.disconnect()
  })
  return client
}

/**
 * Server directories (`chordlab-redis-*`) this test process owns right now: a launcher that failed
 * half-way must leave this list as it found it.
 */
export async function ownServerDirectories(): Promise<string[]> {
  const names = (await readdir(tmpdir())).filter(name => name.startsWith('chordlab-redis-'))
  const owned = await Promise.all(
    names.map(async name => {
      const owner = await readFile(join(tmpdir(), name, 'owner.pid'), 'utf8').catch(() => '')
      return owner.trim() === String(process.pid) ? [name] : []
    }),
  )
  return owned.flat()
}
