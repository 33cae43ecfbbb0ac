import { launchInFreshDir } from './launch-in-fresh-dir.ts'
import { LaunchedServer } from './launched-server.ts'
import { redisSentinelProgram } from './redis-process.ts'
import { type StartedRedisServer, startRedisServer } from './redis-server.ts'
import { renderSentinelConf } from './sentinel-conf.ts'
import { primaryAddress, replicationRole, sentinelMasterState } from './sentinel-queries.ts'
import { startAll, stopAllOnFailure } from './start-all.ts'
import type {
  FailoverOutcome,
  KillPrimaryOptions,
  NodeAddress,
  TopologyNodeOptions,
} from './topology-types.ts'
import { topologyUrl } from './topology-url.ts'
import { type Probe, waitFor } from './wait-for.ts'

export interface RedisSentinelGroupOptions extends Omit<TopologyNodeOptions, 'tls'> {
  /** The name sentinels monitor the primary under, which clients ask them for. @default 'chordlab' */
  name?: string
  /** Replicas of the primary. @default 2 */
  replicas?: number
  /** redis-sentinel processes. @default 3 */
  sentinels?: number
  /** Sentinels that must agree the primary is down before one of them fails over. @default a majority */
  quorum?: number
  /** `down-after-milliseconds`: how long the primary may not answer before a sentinel counts it down. @default 1_000 */
  downAfterMs?: number
  /**
   * `failover-timeout`. A sentinel does not fail the same primary over again within twice this.
   * @default 3_000
   */
  failoverTimeoutMs?: number
  /**
   * The sentinel executable.
   * @default process.env.REDIS_SENTINEL_BIN || 'redis-sentinel' (an empty variable counts as unset)
   */
  sentinelBinary?: string
  /** How long start(), failovers and waitUntilSettled() wait for the group to agree. @default 30_000 */
  settleTimeoutMs?: number
}

type DefaultedOption =
  | 'name'
  | 'replicas'
  | 'sentinels'
  | 'downAfterMs'
  | 'failoverTimeoutMs'
  | 'settleTimeoutMs'
type ResolvedGroupOptions = RedisSentinelGroupOptions &
  Required<Pick<RedisSentinelGroupOptions, DefaultedOption>>

export const sentinelGroupDefaults: Required<Pick<RedisSentinelGroupOptions, DefaultedOption>> = {
  name: 'chordlab',
  replicas: 2,
  sentinels: 3,
  downAfterMs: 1_000,
  failoverTimeoutMs: 3_000,
  settleTimeoutMs: 30_000,
}

/**
 * One primary, its replicas, and redis-sentinel processes watching them, all on loopback. start()
 * returns once every replica is in sync and every sentinel knows the replicas and the other sentinels.
 */
export class RedisSentinelGroup {
  readonly #options: RedisSentinelGroupOptions

  constructor(options: RedisSentinelGroupOptions = {}) {
    this.#options = options
  }

  async start(): Promise<StartedRedisSentinelGroup> {
    const options: ResolvedGroupOptions = { ...sentinelGroupDefaults, ...this.#options }
    if (!/^[\w.-]+$/.test(options.name))
      throw new Error(`sentinel group name "${options.name}" must be one word`)
    if (!Number.isInteger(options.replicas) || options.replicas < 1)
      throw new Error('a group needs at least 1 replica')
    if (!Number.isInteger(options.sentinels) || options.sentinels < 1)
      throw new Error('a group needs at least 1 sentinel')
    const quorum = options.quorum ?? Math.floor(options.sentinels / 2) + 1

    const primary = await startRedisServer(options, { kind: 'replicated', replicaOf: undefined })
    const replicaOf = { host: primary.host, port: primary.port }
    const servers = await stopAllOnFailure([primary], async () => [
      primary,
      ...(await startAll(options.replicas, () =>
        startRedisServer(options, { kind: 'replicated', replicaOf }),
      )),
    ])
    return stopAllOnFailure(servers, async () => {
      await waitFor('the replicas to sync', options.settleTimeoutMs, () => replicasInSync(primary, servers))
      // Sentinels start once the replicas are in sync, so their first look at the primary lists them all.
      const sentinels = await startSentinels(options, primary, quorum)
      const group = new StartedRedisSentinelGroup(options.name, servers, sentinels, options.settleTimeoutMs)
      return stopAllOnFailure(sentinels, async () => {
        await group.waitUntilSettled()
        return group
      })
    })
  }
}

export class StartedRedisSentinelGroup implements AsyncDisposable {
  readonly name: string
  /** The data nodes, the first primary at start; roles change with failovers (see primary()). */
  readonly servers: readonly StartedRedisServer[]
  readonly sentinels: readonly LaunchedServer[]
  readonly #settleTimeoutMs: number

  /** @internal Created by RedisSentinelGroup.start(). */
  constructor(
    name: string,
    servers: readonly StartedRedisServer[],
    sentinels: readonly LaunchedServer[],
    settleTimeoutMs: number,
  ) {
    this.name = name
    this.servers = servers
    this.sentinels = sentinels
    this.#settleTimeoutMs = settleTimeoutMs
  }

  /** Where a Sentinel client starts: every sentinel's address. */
  sentinelAddresses(): NodeAddress[] {
    return this.sentinels.map(sentinel => ({ host: sentinel.host, port: sentinel.port }))
  }

  /** `redis+sentinel://host:port,…/<name>` (every sentinel), never with credentials. */
  url(): string {
    return topologyUrl('sentinel', this.sentinels, false, `/${encodeURIComponent(this.name)}`)
  }

  /** The primary as the running sentinels name it (they must agree). */
  async primary(): Promise<StartedRedisServer> {
    const ports = await Promise.all(
      this.#runningSentinels().map(sentinel => primaryAddress(sentinel, this.name)),
    )
    const [port] = ports
    if (port === undefined || ports.some(other => other !== port)) {
      throw new Error(`the sentinels do not agree on the primary: ports ${ports.join(', ')}`)
    }
    return this.#serverOn(port)
  }

  /**
   * SENTINEL FAILOVER: a sentinel promotes a replica without asking the others, and the sentinels
   * then name it to clients; resolves at that point. The old primary is not told: it goes on
   * accepting writes from the clients still connected to it until a sentinel next looks at it and
   * turns it into a replica, which discards those writes (about 8 to 10 s later; waitUntilSettled()
   * waits for it).
   */
  async failover(): Promise<FailoverOutcome> {
    const previous = await this.primary()
    const [sentinel] = this.#runningSentinels()
    if (sentinel === undefined) throw new Error('no sentinel is running')
    const started = Date.now()
    await sentinel.withAdminClient(client => client.call('SENTINEL', 'FAILOVER', this.name))
    return this.#awaitPromotion(previous, started)
  }

  /**
   * SIGKILLs the primary and waits for the sentinels to agree it is down (`downAfterMs`), promote a
   * replica and name it to clients. `beforeKill` runs right before the SIGKILL, `afterKill` right
   * after it, before the wait.
   */
  async killPrimary(options: KillPrimaryOptions = {}): Promise<FailoverOutcome> {
    const previous = await this.primary()
    options.beforeKill?.()
    const started = Date.now()
    await previous.kill()
    await options.afterKill?.()
    return this.#awaitPromotion(previous, started)
  }

  /**
   * Waits until the running sentinels agree on one primary, none of them is failing over, the
   * primary answers as one, and every other running data node replicates it with its link up.
   */
  async waitUntilSettled(timeoutMs = this.#settleTimeoutMs): Promise<StartedRedisServer> {
    return waitFor(
      'the sentinel group to settle',
      timeoutMs,
      async (): Promise<Probe<StartedRedisServer>> => {
        const sentinels = this.#runningSentinels()
        const states = await Promise.all(sentinels.map(sentinel => sentinelMasterState(sentinel, this.name)))
        const busy = states.find(state => state.flags !== 'master')
        if (busy !== undefined) return { met: false, seen: `a sentinel flags the primary ${busy.flags}` }
        const primary = await this.primary()
        const replicas = this.servers.filter(server => server !== primary && server.running)
        const knowsAll = states.every(
          state => state.replicas >= replicas.length && state.otherSentinels >= sentinels.length - 1,
        )
        if (!knowsAll)
          return { met: false, seen: 'a sentinel has not discovered every replica and sentinel yet' }
        const sync = await replicasInSync(primary, [primary, ...replicas])
        return sync.met ? { met: true, value: primary } : sync
      },
    )
  }

  /** Stops the sentinels first (so none fails over a primary that is merely stopping), then the data nodes. */
  async stop(): Promise<void> {
    await Promise.all(this.sentinels.map(sentinel => sentinel.stop()))
    await Promise.all(this.servers.map(server => server.stop()))
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  /** Waits until every running sentinel names a primary other than `previous`, and it answers as one. */
  async #awaitPromotion(previous: StartedRedisServer, started: number): Promise<FailoverOutcome> {
    const promoted = await waitFor(
      `the sentinels to name a primary other than ${previous.address}`,
      this.#settleTimeoutMs,
      async (): Promise<Probe<StartedRedisServer>> => {
        const primary = await this.primary()
        if (primary === previous) return { met: false, seen: `the sentinels still name ${previous.address}` }
        const { role } = await replicationRole(primary)
        return role === 'master'
          ? { met: true, value: primary }
          : { met: false, seen: `${primary.address} is ${role}` }
      },
    )
    return { promoted, previous, elapsedMs: Date.now() - started }
  }

  #runningSentinels(): LaunchedServer[] {
    return this.sentinels.filter(sentinel => sentinel.running)
  }

  #serverOn(port: number): StartedRedisServer {
    const server = this.servers.find(candidate => candidate.port === port)
    if (server === undefined)
      throw new Error(`the sentinels name a primary on port ${port} that is not in the group`)
    return server
  }
}

async function startSentinels(
  options: ResolvedGroupOptions,
  primary: StartedRedisServer,
  quorum: number,
): Promise<LaunchedServer[]> {
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000
  return startAll(options.sentinels, async () => {
    const launched = await launchInFreshDir({
      binary: options.sentinelBinary ?? (process.env.REDIS_SENTINEL_BIN || 'redis-sentinel'),
      program: redisSentinelProgram,
      startTimeoutMs: options.startTimeoutMs ?? 10_000,
      secrets: options.password === undefined ? [] : [options.password],
      endpoint: port => ({ port, tls: undefined, password: undefined }),
      renderConf: (port, layout) =>
        renderSentinelConf({
          port,
          layout,
          name: options.name,
          primary: { host: primary.host, port: primary.port },
          quorum,
          downAfterMs: options.downAfterMs,
          failoverTimeoutMs: options.failoverTimeoutMs,
          password: options.password,
        }),
    })
    return new LaunchedServer(launched.spec, launched.process, stopTimeoutMs)
  })
}

/** Every data node other than `primary` replicates it with its link up. */
async function replicasInSync(
  primary: StartedRedisServer,
  servers: readonly StartedRedisServer[],
): Promise<Probe<void>> {
  for (const server of servers) {
    if (server === primary) continue
    const role = await replicationRole(server)
    if (role.role !== 'slave' || role.primaryPort !== primary.port || role.state !== 'connected') {
      return {
        met: false,
        seen: `${server.address} is ${role.role} (${role.state}, following ${role.primaryPort})`,
      }
    }
  }
  return { met: true, value: undefined }
}
