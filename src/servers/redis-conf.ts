import { type PersistenceProfile, persistenceDirectives, type SavePoint } from './persistence-profiles.ts'
import type { ServerDirLayout } from './server-dir.ts'

/** Everything that goes into one server's redis.conf, already resolved to concrete values. */
export interface RedisConfSettings {
  port: number
  layout: ServerDirLayout
  profile: PersistenceProfile
  savePoints: readonly SavePoint[]
  tls: { certFile: string; keyFile: string; caFile: string; requireClientCert: boolean } | undefined
  unixSocket: boolean
  password: string | undefined
  users: ReadonlyArray<{ name: string; password: string; rules: string }>
  config: Readonly<Record<string, string>>
  /** How the server takes part in replication; undefined for a standalone server. */
  topology: NodeTopology | undefined
}

/**
 * A cluster node (with its cluster bus on a port of its own), or a member of a replicated group
 * (a Sentinel group's primary or replicas, `replicaOf` set for the latter).
 */
export type NodeTopology =
  | { kind: 'cluster'; busPort: number; nodeTimeoutMs: number }
  | { kind: 'replicated'; replicaOf: { host: string; port: number } | undefined }

export function renderRedisConf(settings: RedisConfSettings): string {
  const { layout, tls } = settings
  const lines = [
    'bind 127.0.0.1',
    // With TLS the port answers TLS only: plain TCP is switched off by `port 0`.
    ...(tls === undefined
      ? [`port ${settings.port}`]
      : [
          'port 0',
          `tls-port ${settings.port}`,
          `tls-cert-file ${quoteConfString(tls.certFile)}`,
          `tls-key-file ${quoteConfString(tls.keyFile)}`,
          `tls-ca-cert-file ${quoteConfString(tls.caFile)}`,
          `tls-auth-clients ${tls.requireClientCert ? 'yes' : 'no'}`,
        ]),
    ...(settings.unixSocket
      ? [`unixsocket ${quoteConfString(layout.socketPath)}`, 'unixsocketperm 700']
      : []),
    `dir ${quoteConfString(layout.dir)}`,
    `pidfile ${quoteConfString(layout.pidPath)}`,
    `logfile ${quoteConfString(layout.logPath)}`,
    'daemonize no',
    ...persistenceDirectives(settings.profile, settings.savePoints),
    ...(settings.password === undefined ? [] : [`requirepass ${quoteConfString(settings.password)}`]),
    ...topologyDirectives(settings),
    ...settings.users.map(user => {
      const rules = singleLine(user.rules, `the rules of user ${user.name}`)
      return `user ${quoteConfString(user.name)} on ${quoteConfString(`>${user.password}`)} ${rules}`
    }),
    // Last, so that a caller's directive overrides one of ours.
    ...Object.entries(settings.config).map(
      ([name, value]) => `${directiveName(name)} ${singleLine(value, name)}`,
    ),
  ]
  return `${lines.join('\n')}\n`
}

function topologyDirectives({ topology, password, tls }: RedisConfSettings): string[] {
  if (topology === undefined) return []
  const shared = [
    // A replica asking for a full sync gets it at once; Redis would otherwise wait 5 s for others
    // to ask too, and a primary killed in that window leaves a replica that never synced.
    'repl-diskless-sync-delay 0',
    // Any node may become a replica later (after a failover), so every node can authenticate to a
    // primary with the group's one password, and replicates over TLS when it serves TLS.
    ...(password === undefined ? [] : [`masterauth ${quoteConfString(password)}`]),
    ...(tls === undefined ? [] : ['tls-replication yes']),
  ]
  if (topology.kind === 'replicated') {
    const { replicaOf } = topology
    return [...shared, ...(replicaOf === undefined ? [] : [`replicaof ${replicaOf.host} ${replicaOf.port}`])]
  }
  return [
    ...shared,
    'cluster-enabled yes',
    // Explicit, since the default (port + 10000) is out of range for most free ports.
    `cluster-port ${topology.busPort}`,
    'cluster-config-file nodes.conf',
    // A node learns its own address from another node's MEET; the only node of a 1-primary cluster
    // never gets one and would name itself with an empty host in CLUSTER SLOTS, which leaves a
    // cluster client with no node to reach.
    'cluster-announce-ip 127.0.0.1',
    `cluster-node-timeout ${topology.nodeTimeoutMs}`,
    ...(tls === undefined ? [] : ['tls-cluster yes']),
  ]
}

/**
 * A double-quoted redis.conf argument. Redis unescapes `\\`, `\"` and `\xHH` inside double quotes,
 * so any string (a password with spaces or quotes, a path) arrives unchanged.
 */
export function quoteConfString(value: string): string {
  return `"${escapeConfString(value)}"`
}

/** The inside of `quoteConfString(value)`: what Redis echoes back when it complains about a line. */
export function escapeConfString(value: string): string {
  return Array.from(value, character => {
    if (character === '\\' || character === '"') return `\\${character}`
    const code = character.charCodeAt(0)
    return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : character
  }).join('')
}

// Rules and extra directives are passed through unquoted (they hold several arguments), so a line
// break would smuggle in a directive of its own.
function singleLine(value: string, what: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`${what} must not contain a line break`)
  return value
}

function directiveName(name: string): string {
  if (!/^[a-z][a-z0-9-]*$/i.test(name)) throw new Error(`"${name}" is not a redis.conf directive name`)
  return name
}
