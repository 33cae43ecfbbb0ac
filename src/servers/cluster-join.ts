import { clusterNodes, clusterSlotCount } from './cluster-nodes.ts'
import { type RedisCliAccess, runRedisCli } from './redis-cli.ts'
import type { StartedRedisServer } from './redis-server.ts'
import { type Probe, waitFor } from './wait-for.ts'

/** redis-cli refuses to create a cluster of fewer primaries; smaller ones are joined by hand. */
const redisCliMinPrimaries = 3
const redisCliTimeoutMs = 60_000

export interface ClusterJoin {
  /** Freshly started cluster nodes: the first `primaries` serve the slots, the rest replicate. */
  nodes: readonly StartedRedisServer[]
  primaries: number
  replicasPerPrimary: number
  access: RedisCliAccess
  timeoutMs: number
}

/** Joins the nodes into one cluster with `redis-cli --cluster create … --cluster-yes`, or by hand below 3 primaries. */
export async function joinCluster(join: ClusterJoin): Promise<void> {
  if (join.primaries < redisCliMinPrimaries) return joinByHand(join.nodes, join.primaries, join.timeoutMs)
  const addresses = join.nodes.map(node => node.address)
  const args = ['--cluster', 'create', ...addresses, '--cluster-replicas', String(join.replicasPerPrimary)]
  await runRedisCli([...args, '--cluster-yes'], join.access, redisCliTimeoutMs)
}

/**
 * What `redis-cli --cluster create` does, for the 1- and 2-primary clusters it refuses to build:
 * distinct config epochs, equal slot ranges, CLUSTER MEET, then CLUSTER REPLICATE.
 */
async function joinByHand(
  nodes: readonly StartedRedisServer[],
  primaries: number,
  timeoutMs: number,
): Promise<void> {
  const selves = await Promise.all(
    nodes.map(async (node, index) => {
      await node.withAdminClient(client => client.cluster('SET-CONFIG-EPOCH', index + 1))
      const myself = (await clusterNodes(node)).find(entry => entry.myself)
      if (myself === undefined) throw new Error(`${node.address} does not list itself in CLUSTER NODES`)
      return myself
    }),
  )
  await Promise.all(
    nodes.slice(0, primaries).map((node, index) => {
      const first = Math.floor((clusterSlotCount * index) / primaries)
      const last = Math.floor((clusterSlotCount * (index + 1)) / primaries) - 1
      return node.withAdminClient(client => client.cluster('ADDSLOTSRANGE', first, last))
    }),
  )
  const [first, ...others] = nodes
  if (first === undefined) return
  for (const entry of selves.slice(1)) {
    await first.withAdminClient(client =>
      client.call('CLUSTER', 'MEET', first.host, entry.port, entry.busPort),
    )
  }
  // A node met but still in handshake is listed under a temporary id: wait for the real ones.
  const ids = selves.map(entry => entry.id)
  await waitFor('every node to know every other', timeoutMs, async (): Promise<Probe<void>> => {
    const known = await Promise.all(
      nodes.map(async node => new Set((await clusterNodes(node)).map(e => e.id))),
    )
    const missing = known.findIndex(set => ids.some(id => !set.has(id)))
    return missing === -1
      ? { met: true, value: undefined }
      : { met: false, seen: `node ${missing} misses some ids` }
  })
  await Promise.all(
    others.slice(primaries - 1).map((replica, index) => {
      const primaryId = selves[index % primaries]?.id ?? ''
      return replica.withAdminClient(client => client.cluster('REPLICATE', primaryId))
    }),
  )
}
