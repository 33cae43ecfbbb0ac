import type { StartedRedisServer } from '../../src/servers/index.ts'
import { RedisCluster, RedisServer, type StartedRedisCluster } from '../../src/servers/index.ts'
import type { TargetSpec } from './worker-protocol.ts'

/** The raw control's target id: raw commands on the plain server. */
export const controlTargetId = 'control'
/** The backend on the same plain server (the spec's key names); clusters are `cluster-<primaries>`. */
export const backendSingleTargetId = 'backend-single'

export interface ClusterTarget {
  id: string
  primaries: number
  cluster: StartedRedisCluster
  /** The nodes serving slots (the replicas, with `--replicas`, only follow them). */
  primaryNodes: readonly StartedRedisServer[]
}

/** Every server of a sweep, all running at once so rounds can alternate between them. */
export interface TopologyServers extends AsyncDisposable {
  /** A plain redis-server (no cluster mode, no persistence): the raw control and the backend on one server. */
  control: StartedRedisServer
  clusters: ClusterTarget[]
  /** What the client processes connect to. */
  targets: TargetSpec[]
  /** The processes behind a target (for their CPU counters). */
  nodesOf(targetId: string): readonly StartedRedisServer[]
  /** The processes holding a target's keys: the plain server, or a cluster's primaries. */
  primariesOf(targetId: string): readonly StartedRedisServer[]
}

/**
 * Starts the plain server and one cluster per size, without persistence, in parallel. When any
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
  try {
    const failed = settled.find(result => result.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    const [controlResult, ...clusterResults] = settled as Array<PromiseFulfilledResult<unknown>>
    const control = controlResult?.value as StartedRedisServer
    const clusters = await Promise.all(
      clusterResults.map(async (result, index): Promise<ClusterTarget> => {
        const count = primaries[index] as number
        const cluster = result.value as StartedRedisCluster
        return { id: `cluster-${count}`, primaries: count, cluster, primaryNodes: await cluster.primaries() }
      }),
    )
    const clusterOf = (targetId: string) => {
      const target = clusters.find(candidate => candidate.id === targetId)
      if (target === undefined) throw new Error(`no target ${targetId}`)
      return target
    }
    const onPlainServer = (targetId: string) =>
      targetId === controlTargetId || targetId === backendSingleTargetId
    return {
      control,
      clusters,
      targets: [
        ...clusters.map(
          (target): TargetSpec => ({
            id: target.id,
            driver: 'backend',
            redis: { cluster: target.cluster.addresses() },
          }),
        ),
        { id: backendSingleTargetId, driver: 'backend', redis: control.url() },
        { id: controlTargetId, driver: 'raw', url: control.url() },
      ],
      nodesOf: targetId => (onPlainServer(targetId) ? [control] : clusterOf(targetId).cluster.nodes),
      primariesOf: targetId => (onPlainServer(targetId) ? [control] : clusterOf(targetId).primaryNodes),
      async [Symbol.asyncDispose]() {
        await stopAll()
      },
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}
