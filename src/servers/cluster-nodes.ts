import type { StartedRedisServer } from './redis-server.ts'

/** Every slot of a Redis Cluster: 0 to 16383. */
export const clusterSlotCount = 16_384

/** One line of CLUSTER NODES: a node as the node that answered sees it. */
export interface ClusterNodeEntry {
  id: string
  /** `host:port` of its client port (the bus port and hostname are dropped). */
  address: string
  port: number
  /** The port of its cluster bus, which CLUSTER MEET needs when it is not port + 10000. */
  busPort: number
  /** True on the line of the node that answered. */
  myself: boolean
  role: 'primary' | 'replica'
  /** The primary a replica follows; null for a primary. */
  primaryId: string | null
  /** Flagged `fail`, `fail?` or `noaddr`: the answering node does not count on it. */
  failing: boolean
  /** Slot ranges it serves, first and last included; migrating/importing markers are left out. */
  slots: Array<[first: number, last: number]>
}

/** Parses a CLUSTER NODES reply. */
export function parseClusterNodes(text: string): ClusterNodeEntry[] {
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
    .map(parseLine)
}

function parseLine(line: string): ClusterNodeEntry {
  const [id, endpoint, flagText, primary, , , , , ...slotFields] = line.split(' ')
  if (id === undefined || endpoint === undefined || flagText === undefined || primary === undefined) {
    throw new Error(`not a CLUSTER NODES line: ${line}`)
  }
  const [address = '', bus = ''] = endpoint.split('@')
  const port = Number(address.slice(address.lastIndexOf(':') + 1))
  const busPort = Number(bus.split(',')[0])
  const flags = flagText.split(',')
  return {
    id,
    address,
    port,
    busPort,
    myself: flags.includes('myself'),
    role: flags.includes('master') ? 'primary' : 'replica',
    primaryId: primary === '-' ? null : primary,
    failing: flags.some(flag => flag === 'fail' || flag === 'fail?' || flag === 'noaddr'),
    slots: slotFields.filter(field => !field.startsWith('[')).map(parseSlotRange),
  }
}

function parseSlotRange(field: string): [number, number] {
  const [first, last = first] = field.split('-').map(Number)
  if (first === undefined || last === undefined || !Number.isInteger(first) || !Number.isInteger(last)) {
    throw new Error(`not a slot range: ${field}`)
  }
  return [first, last]
}

/**
 * Who serves which slots and who follows whom, as one string (`0-5460=id;…|replica>primary;…`), so
 * the views of several nodes can be compared: equal strings mean the nodes agree. Failed nodes are
 * left out.
 */
export function clusterLayout(entries: readonly ClusterNodeEntry[]): string {
  const live = entries.filter(entry => !entry.failing)
  const slots = live
    .filter(entry => entry.role === 'primary')
    .flatMap(entry => entry.slots.map(([first, last]) => ({ first, last, id: entry.id })))
    .sort((a, b) => a.first - b.first)
    .map(({ first, last, id }) => `${first}-${last}=${id}`)
  const follows = live
    .filter(entry => entry.role === 'replica')
    .map(entry => `${entry.id}>${entry.primaryId ?? '-'}`)
    .sort()
  return `${slots.join(';')}|${follows.join(';')}`
}

/** CLUSTER NODES as `node` answers it. */
export async function clusterNodes(node: StartedRedisServer): Promise<ClusterNodeEntry[]> {
  const text = await node.withAdminClient(client => client.cluster('NODES'))
  return parseClusterNodes(String(text))
}
