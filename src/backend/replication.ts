import { Cluster, type Redis } from 'ioredis'
import type { RedisClient } from './connection.ts'
import { keySlot } from './key-slot.ts'

/** `waitReplicas` and its timeout, checked. */
export interface ReplicationRequirement {
  replicas: number
  timeoutMs: number
}

/**
 * WAIT on the connection(s) that wrote `keys`: how many replicas acknowledged every write made so
 * far on that connection (so the caller's write, and perhaps others'), within `timeoutMs`. On a
 * cluster, each primary serving one of the keys is asked on the cluster client's own connection
 * to it, and the fewest acknowledgements count. A primary the slot map does not name counts 0.
 */
export async function acknowledgedReplicas(
  client: RedisClient,
  keys: readonly string[],
  requirement: ReplicationRequirement,
): Promise<number> {
  if (!(client instanceof Cluster)) return client.wait(requirement.replicas, requirement.timeoutMs)
  const primaries = new Set(keys.map(key => client.slots[keySlot(key)]?.[0]))
  const connections = new Map(
    client.nodes('master').map(node => [`${node.options.host}:${node.options.port}`, node]),
  )
  const counts = await Promise.all(
    [...primaries].map(address => {
      const node: Redis | undefined = address === undefined ? undefined : connections.get(address)
      return node === undefined ? 0 : node.wait(requirement.replicas, requirement.timeoutMs)
    }),
  )
  return Math.min(...counts)
}
