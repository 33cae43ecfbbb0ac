import type { StartedRedisServer } from '../../src/servers/index.ts'
import { RedisCluster, RedisServer, type StartedRedisCluster } from '../../src/servers/index.ts'
import type { TargetSpec } from './worker-protocol.ts'

/** The control server's target id; clusters are `cluster-<primaries>`. */
export const controlTargetId = 'control'

export interface ClusterTarget {
  id: string
  primaries: number
  cluster: StartedRedisCluster
}

/** Every server of a sweep, all running at once so rounds can alternate between them. */
export interface TopologyServers extends AsyncDisposable {
  /** A plain redis-server (no cluster mode, no persistence): the raw control. */
  control: StartedRedisServer
  clusters: ClusterTarget[]
  /** What the client processes connect to. */
  targets: TargetSpec[]
  /** The processes behind a target (for their CPU counters). */
  nodesOf(targetId: string): readonly StartedRedisServer[]
}

/**
 * Starts the control server and one cluster per size, without persistence, in parallel. When any
 * fails to start, the others are stopped before the error is thrown.
 */
export async function startTopologyServers(
  primaries: readonly number[],
  replicasPerPrimary: number,
): Promise<TopologyServers> {
  const starts = [
    new RedisServer({ profile: 'none' }).start(),
    ...primaries.map(count =>
      new RedisCluster({ primaries: count, replicasPerPrimary, profile: 'none' }).start(),
    ),
  ] as const
  const settled = await Promise.allSettled(starts)
  const stopAll = () =>
    Promise.all(settled.map(result => (result.status === 'fulfilled' ? result.value.stop() : undefined)))
  const failed = settled.find(result => result.status === 'rejected')
  if (failed !== undefined) {
    await stopAll()
    throw failed.reason
  }
  const [controlResult, ...clusterResults] = settled as Array<PromiseFulfilledResult<unknown>>
  const control = controlResult?.value as StartedRedisServer
  const clusters = clusterResults.map((result, index): ClusterTarget => {
    const count = primaries[index] as number
    return { id: `cluster-${count}`, primaries: count, cluster: result.value as StartedRedisCluster }
  })
  return {
    control,
    clusters,
    targets: [
      ...clusters.map(
        (target): TargetSpec => ({ id: target.id, kind: 'cluster', nodes: target.cluster.addresses() }),
      ),
      { id: controlTargetId, kind: 'single', url: control.url() },
    ],
    nodesOf(targetId) {
      if (targetId === controlTargetId) return [control]
      const target = clusters.find(candidate => candidate.id === targetId)
      if (target === undefined) throw new Error(`no target ${targetId}`)
      return target.cluster.nodes
    },
    async [Symbol.asyncDispose]() {
      await stopAll()
    },
  }
}
