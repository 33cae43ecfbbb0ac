import { readFile } from 'node:fs/promises'
import type { AdminEndpoint } from './admin-client.ts'
import { findFreePort } from './free-port.ts'
import { launchInFreshDir } from './launch-in-fresh-dir.ts'
import type { LaunchSpec } from './launch-redis.ts'
import { LaunchedServer } from './launched-server.ts'
import { defaultSavePoints, type PersistenceProfile, type SavePoint } from './persistence-profiles.ts'
import { renderRedisConf } from './redis-conf.ts'
import type { RedisHandle } from './redis-handle.ts'
import { parseRedisInfo, type RedisServerInfo } from './redis-info.ts'
import type { RedisProcess } from './redis-process.ts'

export interface RedisServerTlsOptions {
  certFile: string
  keyFile: string
  /** Signs the server certificate; the launcher's own probes trust it, and so must clients. */
  caFile: string
  /**
   * Refuse clients without a certificate signed by `caFile`. The launcher then presents
   * `certFile`/`keyFile` itself, so that certificate must also allow client authentication.
   * @default false
   */
  requireClientCert?: boolean
}

export interface RedisUser {
  name: string
  password: string
  /** ACL rules after the password. @default '~* &* +@all' */
  rules?: string
}

export interface RedisServerOptions {
  /** What survives a crash; see persistence-profiles.ts. @default 'none' */
  profile?: PersistenceProfile
  /**
   * `rdb` only: snapshot after `changes` writes within `seconds`.
   * @default [[1, 1]] (a snapshot every second when anything changed)
   */
  savePoints?: SavePoint[]
  /** When set, the server's port speaks TLS only. @default undefined (plain TCP) */
  tls?: RedisServerTlsOptions
  /** Also listen on `<dir>/redis.sock` (mode 700). @default false */
  unixSocket?: boolean
  /** `requirepass` for the default user. @default undefined (no password) */
  password?: string
  /** ACL users to create. @default [] */
  users?: RedisUser[]
  /**
   * The server executable.
   * @default process.env.REDIS_SERVER_BIN || 'redis-server' (an empty variable counts as unset)
   */
  binary?: string
  /** Extra redis.conf directives, written last so they override ours: `{ maxmemory: '64mb' }`. @default {} */
  config?: Record<string, string>
  /** How long start() and restart() wait for PING to answer. @default 10_000 */
  startTimeoutMs?: number
  /** How long stop() and a graceful restart() wait after SIGTERM before sending SIGKILL. @default 10_000 */
  stopTimeoutMs?: number
}

/**
 * How a server started for a topology takes part in it: a cluster node, or a member of a
 * replicated group (replicating `replicaOf` from the start when set).
 */
export type TopologyRole =
  | { kind: 'cluster'; nodeTimeoutMs: number }
  | { kind: 'replicated'; replicaOf: { host: string; port: number } | undefined }

const defaultUserRules = '~* &* +@all'

/** Configures a redis-server process; start() launches it in a fresh temporary directory. */
export class RedisServer {
  readonly #options: RedisServerOptions

  constructor(options: RedisServerOptions = {}) {
    this.#options = options
  }

  start(): Promise<StartedRedisServer> {
    return startRedisServer(this.#options, undefined)
  }
}

/**
 * @internal The launchers of topologies (RedisCluster, RedisSentinelGroup) start their nodes with
 * this: a RedisServer with `options`, plus the directives of its `role`.
 */
export async function startRedisServer(
  options: RedisServerOptions,
  role: TopologyRole | undefined,
): Promise<StartedRedisServer> {
  const profile = options.profile ?? 'none'
  const users = (options.users ?? []).map(user => ({ ...user, rules: user.rules ?? defaultUserRules }))
  const tls = options.tls === undefined ? undefined : { requireClientCert: false, ...options.tls }
  const endpointTls = tls === undefined ? undefined : await readTlsMaterial(tls)
  const launched = await launchInFreshDir({
    binary: options.binary ?? (process.env.REDIS_SERVER_BIN || 'redis-server'),
    startTimeoutMs: options.startTimeoutMs ?? 10_000,
    secrets: [...(options.password === undefined ? [] : [options.password]), ...users.map(u => u.password)],
    endpoint: port => ({ port, tls: endpointTls, password: options.password }),
    renderConf: async (port, layout) =>
      renderRedisConf({
        port,
        layout,
        profile,
        savePoints: options.savePoints ?? defaultSavePoints,
        tls,
        unixSocket: options.unixSocket ?? false,
        password: options.password,
        users,
        config: options.config ?? {},
        topology:
          role?.kind === 'cluster'
            ? { kind: 'cluster', busPort: await findFreePort(), nodeTimeoutMs: role.nodeTimeoutMs }
            : role,
      }),
  })
  return new StartedRedisServer(launched.spec, launched.process, {
    profile,
    unixSocket: options.unixSocket ?? false,
    stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
  })
}

/** A running (or deliberately killed) server. Its port and directory stay the same across restarts. */
export class StartedRedisServer extends LaunchedServer implements RedisHandle {
  readonly external = false
  readonly profile: PersistenceProfile
  readonly unixSocketPath: string | undefined
  /** True when the port speaks TLS only; url() is then `rediss://`. */
  readonly tls: boolean

  /** @internal Created by RedisServer.start() and the topology launchers. */
  constructor(
    launch: LaunchSpec,
    redisProcess: RedisProcess,
    details: { profile: PersistenceProfile; unixSocket: boolean; stopTimeoutMs: number },
  ) {
    super(launch, redisProcess, details.stopTimeoutMs)
    this.profile = details.profile
    this.unixSocketPath = details.unixSocket ? launch.layout.socketPath : undefined
    this.tls = launch.endpoint.tls !== undefined
  }

  /** `redis://127.0.0.1:<port>` or `rediss://…`, never with credentials: callers add their own. */
  url(): string {
    return `${this.tls ? 'rediss' : 'redis'}://${this.host}:${this.port}`
  }

  async info(): Promise<RedisServerInfo> {
    this.assertNotStopped('read INFO of')
    return parseRedisInfo(await this.withAdminClient(client => client.info()))
  }
}

async function readTlsMaterial(tls: Required<RedisServerTlsOptions>): Promise<AdminEndpoint['tls']> {
  const ca = await readFile(tls.caFile)
  if (!tls.requireClientCert) return { ca }
  return { ca, cert: await readFile(tls.certFile), key: await readFile(tls.keyFile) }
}
