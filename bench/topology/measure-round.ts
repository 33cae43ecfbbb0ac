import { Cluster, Redis } from 'ioredis'
import type { TopologyOperation } from '../../src/report/sections/topology-data.ts'
import type { ClientPool } from './client-pool.ts'
import { busyCores, machineTicks, serverCpuSeconds } from './cpu-counters.ts'
import type { TopologyServers } from './servers.ts'
import type { ClientRound } from './worker-protocol.ts'

/** One arm's measurements in one round. */
export interface ArmRound {
  perSecond: number
  units: number
  /** Sum of the round's counter keys after it; null when the arm is not counted that way. */
  counted: number | null
  serverCpuCores: number
  clientCpuCores: number
  machineBusyCores: number
  serverCpuUsPerOp: number
  clientCpuUsPerOp: number
}

/** The parent's own connections: one per node for INFO cpu, one reader per target for the counters. */
export interface Probes {
  nodes(targetId: string): Redis[]
  reader(targetId: string): Redis | Cluster
  close(): void
}

export function openProbes(servers: TopologyServers): Probes {
  const nodeClients = new Map(
    servers.targets.map(target => [
      target.id,
      servers
        .nodesOf(target.id)
        .map(node => new Redis({ host: node.host, port: node.port, lazyConnect: true })),
    ]),
  )
  const readers = new Map<string, Redis | Cluster>(
    servers.targets.map(target => [
      target.id,
      target.kind === 'cluster'
        ? new Cluster(target.nodes, { lazyConnect: true })
        : new Redis(target.url, { lazyConnect: true }),
    ]),
  )
  const lookup = <T>(map: Map<string, T>, targetId: string): T => {
    const found = map.get(targetId)
    if (found === undefined) throw new Error(`no target ${targetId}`)
    return found
  }
  return {
    nodes: targetId => lookup(nodeClients, targetId),
    reader: targetId => lookup(readers, targetId),
    close() {
      for (const clients of nodeClients.values()) for (const client of clients) client.disconnect()
      for (const reader of readers.values()) reader.disconnect()
    },
  }
}

/** One round of one arm: set-up, CPU counters, the timed run in every process, counters again, the applied check. */
export async function measureRound(context: {
  pool: ClientPool
  probes: Probes
  cores: number
  operation: TopologyOperation
  targetId: string
  processes: number
  timeMs: number
}): Promise<ArmRound> {
  const { pool, probes, cores, processes, timeMs } = context
  const arm = { operation: context.operation, targetId: context.targetId }
  const nodes = probes.nodes(arm.targetId)
  const counterKeys = await pool.prepare(arm, processes)
  const serverBefore = await serverCpuSeconds(nodes)
  const machineBefore = machineTicks()
  const windowStarted = performance.now()
  const clients = await pool.run(arm, processes, timeMs)
  const windowSeconds = (performance.now() - windowStarted) / 1000
  const machineAfter = machineTicks()
  const serverSeconds = (await serverCpuSeconds(nodes)) - serverBefore
  const { units, wallMs, clientCpuUs } = combine(clients)
  const counted = counterKeys.length === 0 ? null : await sumOf(probes.reader(arm.targetId), counterKeys)
  const wallSeconds = wallMs / 1000
  return {
    perSecond: units / wallSeconds,
    units,
    counted,
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
