import { joinCluster } from './cluster-join.ts'
import {
  type ClusterNodeEntry,
  clusterLayout,
  clusterNodes,
  clusterSlotCount,
  parseClusterNodes,
} from './cluster-nodes.ts'
import { redisCliAccess } from './redis-cli.ts'
import { type StartedRedisServer, startRedisServer } from './redis-server.ts'
import { SlotMigration } from './slot-migration.ts'
import { startAll, stopAllOnFailure } from './start-all.ts'
import type {
  FailoverOutcome,
  KillPrimaryOptions,
  NodeAddress,
  TopologyNodeOptions,
} from './topology-types.ts'
import { topologyUrl } from './topology-url.ts'
import { type Probe, waitFor } from './wait-for.ts'

export interface RedisClusterOptions extends TopologyNodeOptions {
  /** Primaries, each serving an equal share of the 16,384 slots. @default 3 */
  primaries?: number
  /** Replicas of each primary. @default 1 */
  replicasPerPrimary?: number
  /**
   * `cluster-node-timeout`: how long a node may be unreachable before the others count it failed
   * and promote one of its replicas. Small, so failovers in tests take a second or two.
   * @default 1_000
   */
  nodeTimeoutMs?: number
  /** How long start(), failovers and waitUntilHealthy() wait for the cluster to agree. @default 30_000 */
  settleTimeoutMs?: number
}

/** A node as the cluster sees it, with the process behind it. */
export interface ClusterMember {
  server: StartedRedisServer
  id: string
  role: 'primary' | 'replica'
  /** The primary a replica follows (undefined for a primary, or a primary that is not ours). */
  primary: StartedRedisServer | undefined
  slots: Array<[first: number, last: number]>
}

export const clusterDefaults = {
  primaries: 3,
  replicasPerPrimary: 1,
  nodeTimeoutMs: 1_000,
  settleTimeoutMs: 30_000,
} as const

/**
 * A Redis Cluster of real `redis-server --cluster-enabled yes` processes on loopback. start()
 * returns once every node reports `cluster_state:ok`, all slots are covered, every node agrees
 * who serves them, and every replica is in sync.
 */
export class RedisCluster {
  readonly #options: RedisClusterOptions

  constructor(options: RedisClusterOptions = {}) {
    this.#options = options
  }

  async start(): Promise<StartedRedisCluster> {
    const { primaries = clusterDefaults.primaries, replicasPerPrimary = clusterDefaults.replicasPerPrimary } =
      this.#options
    if (!Number.isInteger(primaries) || primaries < 1) throw new Error('a cluster needs at least 1 primary')
    if (!Number.isInteger(replicasPerPrimary) || replicasPerPrimary < 0) {
      throw new Error('replicasPerPrimary must be a whole number of at least 0')
    }
    const nodeTimeoutMs = this.#options.nodeTimeoutMs ?? clusterDefaults.nodeTimeoutMs
    const nodes = await startAll(primaries * (1 + replicasPerPrimary), () =>
      startRedisServer(this.#options, { kind: 'cluster', nodeTimeoutMs }),
    )
    const cluster = new StartedRedisCluster(nodes, this.#options)
    const access = redisCliAccess(this.#options)
    return stopAllOnFailure(nodes, async () => {
      await joinCluster({ nodes, primaries, replicasPerPrimary, access, timeoutMs: cluster.settleTimeoutMs })
      await cluster.waitUntilHealthy()
      return cluster
    })
  }
}

export class StartedRedisCluster implements AsyncDisposable {
  /** Every node, primaries first as created; roles change with failovers (see topology()). */
  readonly nodes: readonly StartedRedisServer[]
  /** How long failovers and waitUntilHealthy() wait for the cluster to agree. */
  readonly settleTimeoutMs: number
  readonly #password: string | undefined

  /** @internal Created by RedisCluster.start(). */
  constructor(nodes: readonly StartedRedisServer[], options: RedisClusterOptions) {
    this.nodes = nodes
    this.settleTimeoutMs = options.settleTimeoutMs ?? clusterDefaults.settleTimeoutMs
    this.#password = options.password
  }

  /** Where a cluster client can start: every node's address. */
  addresses(): NodeAddress[] {
    return this.nodes.map(node => ({ host: node.host, port: node.port }))
  }

  /** `redis+cluster://host:port,…` (every node), or `rediss+cluster://…`; never with credentials. */
  url(): string {
    return topologyUrl('cluster', this.nodes, this.nodes[0]?.tls ?? false, '')
  }

  /** Every node as a running node sees the cluster, mapped to the processes behind them. */
  async topology(): Promise<ClusterMember[]> {
    const entries = await this.#anyRunningNode(node => clusterNodes(node))
    const serverOf = (entry: ClusterNodeEntry | undefined) =>
      this.nodes.find(node => node.port === entry?.port)
    return entries.flatMap(entry => {
      const server = serverOf(entry)
      if (server === undefined) return []
      const primary = serverOf(entries.find(candidate => candidate.id === entry.primaryId))
      return [{ server, id: entry.id, role: entry.role, primary, slots: entry.slots }]
    })
  }

  async primaries(): Promise<StartedRedisServer[]> {
    const members = await this.topology()
    return members.filter(member => member.role === 'primary' && member.server.running).map(m => m.server)
  }

  async replicasOf(primary: StartedRedisServer): Promise<StartedRedisServer[]> {
    const members = await this.topology()
    return members.filter(member => member.primary === primary).map(member => member.server)
  }

  /** The slot a key hashes to (CLUSTER KEYSLOT, so hash tags count as Redis counts them). */
  async slotOf(key: string): Promise<number> {
    return this.#anyRunningNode(node => node.withAdminClient(client => client.cluster('KEYSLOT', key)))
  }

  /** The primary serving `slot` now. */
  async primaryForSlot(slot: number): Promise<StartedRedisServer> {
    const members = await this.topology()
    const owner = members.find(
      member =>
        member.role === 'primary' && member.slots.some(([first, last]) => first <= slot && slot <= last),
    )
    if (owner === undefined) throw new Error(`no running primary serves slot ${slot}`)
    return owner.server
  }

  /**
   * CLUSTER FAILOVER on `replica`: by default a coordinated handover (its primary stops writes
   * until the replica caught up); `force` skips the handshake with the primary, `takeover` also
   * the vote of the other primaries. Resolves once the replica is primary and the cluster is
   * healthy again (see waitUntilHealthy()).
   */
  async failover(
    replica: StartedRedisServer,
    mode: 'default' | 'force' | 'takeover' = 'default',
  ): Promise<FailoverOutcome> {
    const previous = (await this.topology()).find(member => member.server === replica)?.primary
    if (previous === undefined)
      throw new Error(`node ${replica.address} is not a replica of a running primary`)
    const started = Date.now()
    const modeArgs = mode === 'default' ? [] : [mode.toUpperCase()]
    await replica.withAdminClient(client => client.call('CLUSTER', 'FAILOVER', ...modeArgs))
    await waitFor(`${replica.address} to become primary`, this.settleTimeoutMs, () => isPrimary(replica))
    await this.waitUntilHealthy()
    return { promoted: replica, previous, elapsedMs: Date.now() - started }
  }

  /**
   * SIGKILLs `primary` and waits for the cluster's own failover: one of its replicas promoted
   * after `cluster-node-timeout` (by the vote of a majority of the primaries, so from 3 primaries
   * up), and the cluster healthy again. `beforeKill` runs right before the SIGKILL, `afterKill` right
   * after it, before the wait (e.g. to resume replicas paused to make them fall behind).
   */
  async killPrimary(primary: StartedRedisServer, options: KillPrimaryOptions = {}): Promise<FailoverOutcome> {
    const replicas = (await this.replicasOf(primary)).filter(replica => replica.running)
    if (replicas.length === 0) throw new Error(`primary ${primary.address} has no running replica to promote`)
    const primaries = (await this.primaries()).length
    if (primaries - 1 <= primaries / 2) {
      throw new Error(
        `with ${primaries} primaries, killing one leaves no majority of primaries to authorise the promotion; ` +
          'Redis Cluster fails over on its own from 3 primaries up (failover() works at any size)',
      )
    }
    options.beforeKill?.()
    const started = Date.now()
    await primary.kill()
    await options.afterKill?.()
    const promoted = await waitFor(
      `a replica of ${primary.address} to be promoted`,
      this.settleTimeoutMs,
      async (): Promise<Probe<StartedRedisServer>> => {
        for (const replica of replicas) {
          if ((await isPrimary(replica)).met) return { met: true, value: replica }
        }
        return { met: false, seen: 'no replica is primary yet' }
      },
    )
    await this.waitUntilHealthy()
    return { promoted, previous: primary, elapsedMs: Date.now() - started }
  }

  /**
   * Waits until every running node reports `cluster_state:ok` with all slots served, all of them
   * agree who serves which slot, who follows whom and which nodes failed, and every running
   * replica is in sync.
   */
  async waitUntilHealthy(timeoutMs = this.settleTimeoutMs): Promise<void> {
    await waitFor('the cluster to be healthy', timeoutMs, async (): Promise<Probe<void>> => {
      const running = this.nodes.filter(node => node.running)
      const views = await Promise.all(running.map(node => nodeHealth(node)))
      const unhealthy = views.find(view => view.problem !== undefined)
      if (unhealthy !== undefined) return { met: false, seen: `${unhealthy.address}: ${unhealthy.problem}` }
      const layouts = new Set(views.map(view => view.layout))
      if (layouts.size > 1)
        return { met: false, seen: 'nodes disagree on who serves which slots, or who follows whom' }
      const stranger = views.find(view => view.liveNodes !== running.length)
      if (stranger !== undefined) {
        return {
          met: false,
          seen: `${stranger.address} counts ${stranger.liveNodes} live nodes of ${running.length}`,
        }
      }
      return { met: true, value: undefined }
    })
  }

  /**
   * Starts moving `slot` to `target` the way Redis Cluster reshards (IMPORTING on the target,
   * MIGRATING on the source); the returned migration moves the keys and then hands the slot over.
   */
  async beginSlotMigration(slot: number, target: StartedRedisServer): Promise<SlotMigration> {
    const members = await this.topology()
    return SlotMigration.begin(members, slot, target, this.#password)
  }

  /** Stops every node (SIGTERM, then SIGKILL) and removes their directories. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map(node => node.stop()))
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  async #anyRunningNode<T>(use: (node: StartedRedisServer) => Promise<T>): Promise<T> {
    let lastError: unknown = new Error('no node of the cluster is running')
    // A paused node would only answer after its admin timeout.
    for (const node of this.nodes.filter(candidate => candidate.running && !candidate.paused)) {
      try {
        return await use(node)
      } catch (error) {
        lastError = error
      }
    }
    throw lastError
  }
}

async function isPrimary(node: StartedRedisServer): Promise<Probe<void>> {
  const myself = (await clusterNodes(node)).find(entry => entry.myself)
  return myself?.role === 'primary'
    ? { met: true, value: undefined }
    : { met: false, seen: 'still a replica' }
}

interface NodeHealth {
  address: string
  problem: string | undefined
  layout: string
  liveNodes: number
}

async function nodeHealth(node: StartedRedisServer): Promise<NodeHealth> {
  const [info, nodes, replication] = await node.withAdminClient(client =>
    Promise.all([client.cluster('INFO'), client.cluster('NODES'), client.info('replication')]),
  )
  const entries = parseClusterNodes(String(nodes))
  const field = (text: string, name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim()
  const state = field(String(info), 'cluster_state')
  const slotsOk = Number(field(String(info), 'cluster_slots_ok'))
  const myself = entries.find(entry => entry.myself)
  const link = field(replication, 'master_link_status')
  const problem =
    state !== 'ok'
      ? `cluster_state:${state}`
      : slotsOk !== clusterSlotCount
        ? `${slotsOk} of ${clusterSlotCount} slots ok`
        : myself?.role === 'replica' && link !== 'up'
          ? `replica link to its primary is ${link ?? 'unknown'}`
          : undefined
  return {
    address: node.address,
    problem,
    layout: clusterLayout(entries),
    liveNodes: entries.filter(entry => !entry.failing).length,
  }
}
