import { isIP } from 'node:net'
import { BackendError } from './errors.ts'
import { parseTopologyUrl } from './target-url.ts'
import { type ConnectionTarget, parseRedisUrl, type TlsOptions } from './url.ts'

/** One Redis node or sentinel to connect to. */
export interface NodeAddress {
  host: string
  port: number
}

/** Credentials and TLS for the nodes of a cluster or a Sentinel group (the URL's user info and scheme). */
export interface NodeCredentials {
  /** ACL user. @default the default user */
  username?: string
  password?: string
  /** Connect with TLS, trusting the backend's `tls` option (or the system's CAs without it). @default false */
  tls?: boolean
}

/** A Redis Cluster, found from any of its nodes (ioredis's Cluster client). */
export interface ClusterTarget extends NodeCredentials {
  /** Nodes to discover the cluster from; one running node is enough. */
  cluster: readonly NodeAddress[]
}

/** A primary with replicas under Sentinel, found through the sentinels (ioredis's Sentinel support). */
export interface SentinelTarget extends NodeCredentials {
  sentinels: readonly NodeAddress[]
  /** The name the sentinels monitor the primary under. */
  name: string
  /** The sentinels' own password (`requirepass` on the sentinels), when they have one. */
  sentinelPassword?: string
  /** @default 0 */
  db?: number
}

/**
 * Where a backend connects: a URL (one server, or a cluster or Sentinel group spelled as a URL: see
 * parseTopologyUrl), a cluster, or a Sentinel group.
 */
export type RedisTarget = string | ClusterTarget | SentinelTarget

type NodeOptions = Pick<ConnectionTarget['options'], 'username' | 'password' | 'tls'>

/** A target checked and turned into what the ioredis clients take; `display` never holds a password. */
export type ResolvedTarget =
  | ({ kind: 'single' } & ConnectionTarget)
  | { kind: 'cluster'; nodes: NodeAddress[]; nodeOptions: NodeOptions; display: string }
  | {
      kind: 'sentinel'
      sentinels: NodeAddress[]
      name: string
      nodeOptions: NodeOptions & { db: number }
      sentinelPassword: string | undefined
      display: string
    }

/** Checks a target from an untyped caller and resolves it; anything malformed is `InvalidInput`. */
export function resolveTarget(target: unknown, tls: TlsOptions | undefined): ResolvedTarget {
  if (typeof target === 'string') {
    const topology = parseTopologyUrl(target)
    return topology === undefined
      ? { kind: 'single', ...parseRedisUrl(target, tls) }
      : resolveTarget(topology, tls)
  }
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw invalid(
      'a target is a Redis URL, { cluster: [{ host, port }, …] } or { sentinels: [{ host, port }, …], name }',
    )
  }
  const fields = target as Record<string, unknown>
  if ('cluster' in fields && 'sentinels' in fields)
    throw invalid('give either cluster or sentinels, not both')
  if ('cluster' in fields) {
    const nodes = addresses(fields.cluster, 'cluster')
    return {
      kind: 'cluster',
      nodes,
      nodeOptions: nodeOptions(fields, tls),
      display: `cluster ${list(nodes)}`,
    }
  }
  if ('sentinels' in fields) {
    const sentinels = addresses(fields.sentinels, 'sentinels')
    const { name, db = 0, sentinelPassword } = fields
    if (typeof name !== 'string' || !/^\S+$/.test(name))
      throw invalid('name must be the monitored primary name, one word')
    if (typeof db !== 'number' || !Number.isInteger(db) || db < 0)
      throw invalid('db must be a whole number >= 0')
    if (sentinelPassword !== undefined && typeof sentinelPassword !== 'string') {
      throw invalid('sentinelPassword must be a string')
    }
    return {
      kind: 'sentinel',
      sentinels,
      name,
      nodeOptions: { ...nodeOptions(fields, tls), db },
      sentinelPassword,
      display: `sentinel ${name}@${list(sentinels)}`,
    }
  }
  throw invalid('an object target needs cluster or sentinels')
}

function addresses(value: unknown, field: string): NodeAddress[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid(`${field} must be a non-empty array of { host, port }`)
  return value.map((entry: unknown) => {
    const { host, port } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >
    if (typeof host !== 'string' || host.trim() === '') throw invalid(`every ${field} entry needs a host`)
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw invalid(`${field} entry ${host} needs a port from 1 to 65535`)
    }
    return { host, port }
  })
}

function nodeOptions(fields: Record<string, unknown>, tls: TlsOptions | undefined): NodeOptions {
  const { username, password } = fields
  if (username !== undefined && typeof username !== 'string') throw invalid('username must be a string')
  if (password !== undefined && typeof password !== 'string') throw invalid('password must be a string')
  if (fields.tls !== undefined && typeof fields.tls !== 'boolean') throw invalid('tls must be true or false')
  const options: NodeOptions = {}
  if (username !== undefined) options.username = username
  if (password !== undefined) options.password = password
  // Each connection checks the certificate against the host it connects to (nodes found through
  // the cluster or the sentinels included), so no one server name is set for all of them.
  if (fields.tls === true) options.tls = { ...tls }
  return options
}

function list(nodes: readonly NodeAddress[]): string {
  return nodes
    .map(node => (isIP(node.host) === 6 ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`))
    .join(',')
}

function invalid(reason: string): BackendError {
  return new BackendError('InvalidInput', `invalid target: ${reason}`)
}
