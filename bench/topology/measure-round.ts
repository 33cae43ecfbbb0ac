import { Cluster, Redis } from 'ioredis'
import { RedisResultBackend } from '../../src/backend/backend.ts'
import type { TopologyOperation } from '../../src/report/sections/topology-data.ts'
import type { StartedRedisServer } from '../../src/servers/index.ts'
import type { ClientPool } from './client-pool.ts'
import { busyCores, machineTicks, serverCpuSeconds } from './cpu-counters.ts'
import {
  backendReader,
  emptyTarget,
  type ReadBack,
  rawReader,
  readBack,
  type SampleReader,
} from './read-back.ts'
import type { TopologyServers } from './servers.ts'
import type { ClientRound, TargetSpec } from './worker-protocol.ts'

/** How a round's work was found in Redis afterwards. */
export type RoundCheck =
  /** Completions: the sum of the round's counter keys. */
  | { kind: 'counted'; counted: number }
  /** Stores: the target's keys counted, and a sample read back. */
  | ({ kind: 'read-back' } & ReadBack)

/** One arm's measurements in one round. */
export interface ArmRound {
  perSecond: number
  /** Results stored or tasks completed, as the client processes report them. */
  units: number
  check: RoundCheck
  serverCpuCores: number
  clientCpuCores: number
  machineBusyCores: number
  serverCpuUsPerOp: number
  clientCpuUsPerOp: number
}

/**
 * The parent's own connections: one per server process (INFO cpu, emptying and counting keys),
 * and per target a reader for the counters and a reader for stored results.
 */
export interface Probes {
  nodes(targetId: string): Redis[]
  primaries(targetId: string): Redis[]
  counterReader(targetId: string): Redis | Cluster
  resultReader(targetId: string): SampleReader
  close(): Promise<void>
}

/** Opens the probes of every target; `namespace` is the run's, so the readers find the clients' keys. */
export function openProbes(servers: TopologyServers, namespace: string): Probes {
  const serverClients = new Map<StartedRedisServer, Redis>()
  const clientOf = (server: StartedRedisServer) => {
    const known = serverClients.get(server)
    if (known !== undefined) return known
    const client = new Redis({ host: server.host, port: server.port, lazyConnect: true })
    serverClients.set(server, client)
    return client
  }
  const perTarget = new Map(
    servers.targets.map(target => [
      target.id,
      {
        nodes: servers.nodesOf(target.id).map(clientOf),
        primaries: servers.primariesOf(target.id).map(clientOf),
        ...openReaders(target, namespace),
      },
    ]),
  )
  const probesOf = (targetId: string) => {
    const found = perTarget.get(targetId)
    if (found === undefined) throw new Error(`no target ${targetId}`)
    return found
  }
  return {
    nodes: targetId => probesOf(targetId).nodes,
    primaries: targetId => probesOf(targetId).primaries,
    counterReader: targetId => probesOf(targetId).counterReader,
    resultReader: targetId => probesOf(targetId).resultReader,
    async close() {
      for (const client of serverClients.values()) client.disconnect()
      await Promise.all([...perTarget.values()].map(target => target.closeReaders()))
    },
  }
}

/** A target's counter reader (bare ioredis) and result reader (the backend, or bare ioredis for the raw control). */
function openReaders(
  target: TargetSpec,
  namespace: string,
): { counterReader: Redis | Cluster; resultReader: SampleReader; closeReaders(): Promise<void> } {
  if (target.driver === 'raw') {
    const client = new Redis(target.url, { lazyConnect: true })
    return {
      counterReader: client,
      resultReader: rawReader(client, namespace),
      closeReaders: async () => client.disconnect(),
    }
  }
  const { redis } = target
  const counterReader =
    typeof redis === 'string'
      ? new Redis(redis, { lazyConnect: true })
      : new Cluster(redis.cluster, { lazyConnect: true })
  const backend = new RedisResultBackend(redis, { namespace })
  return {
    counterReader,
    resultReader: backendReader(backend),
    async closeReaders() {
      counterReader.disconnect()
      await backend.close()
    },
  }
}

/**
 * One round of one arm: set-up (a store target is emptied first), CPU counters, the timed run in
 * every process, counters again, then the check of what the round left in Redis.
 */
export async function measureRound(context: {
  pool: ClientPool
  probes: Probes
  cores: number
  operation: TopologyOperation
  targetId: string
  processes: number
  timeMs: number
  /** Stored results read back per round (over all processes). */
  readBackSample: number
}): Promise<ArmRound> {
  const { pool, probes, cores, operation, targetId, processes, timeMs } = context
  const arm = { operation, targetId }
  const nodes = probes.nodes(targetId)
  if (operation === 'storeResults') await emptyTarget(probes.primaries(targetId))
  const counterKeys = await pool.prepare(arm, processes)
  const serverBefore = await serverCpuSeconds(nodes)
  const machineBefore = machineTicks()
  const windowStarted = performance.now()
  const clients = await pool.run(arm, processes, timeMs)
  const windowSeconds = (performance.now() - windowStarted) / 1000
  const machineAfter = machineTicks()
  const serverSeconds = (await serverCpuSeconds(nodes)) - serverBefore
  const { units, wallMs, clientCpuUs } = combine(clients)
  const check: RoundCheck =
    operation === 'storeResults'
      ? {
          kind: 'read-back',
          ...(await readBack({
            primaries: probes.primaries(targetId),
            stored: clients.flatMap(client => (client.stored === null ? [] : [client.stored])),
            sampleSize: context.readBackSample,
            read: probes.resultReader(targetId),
          })),
        }
      : { kind: 'counted', counted: await sumOf(probes.counterReader(targetId), counterKeys) }
  const wallSeconds = wallMs / 1000
  return {
    perSecond: units / wallSeconds,
    units,
    check,
    serverCpuCores: serverSeconds / windowSeconds,
    clientCpuCores: clientCpuUs / 1e6 / wallSeconds,
    machineBusyCores: busyCores(machineBefore, machineAfter, cores),
    serverCpuUsPerOp: (serverSeconds * 1e6) / Math.max(units, 1),
    clientCpuUsPerOp: clientCpuUs / Math.max(units, 1),
  }
}

/** The processes' rounds as one: units summed over the wall time from the first start to the last end. */
function combine(clients: readonly ClientRound[]): { units: number; wallMs: number; clientCpuUs: number } {
  return {
    units: clients.reduce((sum, client) => sum + client.units, 0),
    wallMs:
      Math.max(...clients.map(client => client.endedAt)) -
      Math.min(...clients.map(client => client.startedAt)),
    clientCpuUs: clients.reduce((sum, client) => sum + client.cpuUs, 0),
  }
}

/** GETs every key (one per slot owner on a cluster, as ioredis routes it) and sums the integers. */
async function sumOf(reader: Redis | Cluster, keys: readonly string[]): Promise<number> {
  const values = await Promise.all(keys.map(key => reader.get(key)))
  return values.reduce((sum, value) => sum + Number(value ?? 0), 0)
}
