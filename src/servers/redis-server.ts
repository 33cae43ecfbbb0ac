import { readFile, rm, writeFile } from 'node:fs/promises'
import { type AdminEndpoint, withAdminClient } from './admin-client.ts'
import { findFreePort } from './free-port.ts'
import { type LaunchSpec, launchRedis, RedisStartError } from './launch-redis.ts'
import { defaultSavePoints, type PersistenceProfile, type SavePoint } from './persistence-profiles.ts'
import { renderRedisConf } from './redis-conf.ts'
import type { RedisHandle } from './redis-handle.ts'
import { parseRedisInfo, type RedisServerInfo } from './redis-info.ts'
import type { RedisProcess } from './redis-process.ts'
import { createServerDir } from './server-dir.ts'

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

export interface RestartOptions {
  /** SIGTERM (Redis saves or fsyncs per its profile) rather than SIGKILL (a crash). @default true */
  graceful?: boolean
}

const defaultUserRules = '~* &* +@all'
/** A port another process grabbed between findFreePort() and redis-server's bind is retried this often. */
const maxPortAttempts = 5
const infoTimeoutMs = 5_000

/** Configures a redis-server process; start() launches it in a fresh temporary directory. */
export class RedisServer {
  readonly #options: RedisServerOptions

  constructor(options: RedisServerOptions = {}) {
    this.#options = options
  }

  async start(): Promise<StartedRedisServer> {
    const options = this.#options
    const profile = options.profile ?? 'none'
    const users = (options.users ?? []).map(user => ({ ...user, rules: user.rules ?? defaultUserRules }))
    const tls = options.tls === undefined ? undefined : { requireClientCert: false, ...options.tls }
    const endpointTls = tls === undefined ? undefined : await readTlsMaterial(tls)
    const secrets = [
      ...(options.password === undefined ? [] : [options.password]),
      ...users.map(u => u.password),
    ]

    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort()
      const layout = await createServerDir()
      const spec: LaunchSpec = {
        binary: options.binary ?? (process.env.REDIS_SERVER_BIN || 'redis-server'),
        layout,
        port,
        endpoint: { port, tls: endpointTls, password: options.password },
        startTimeoutMs: options.startTimeoutMs ?? 10_000,
        secrets,
      }
      try {
        const conf = renderRedisConf({
          port,
          layout,
          profile,
          savePoints: options.savePoints ?? defaultSavePoints,
          tls,
          unixSocket: options.unixSocket ?? false,
          password: options.password,
          users,
          config: options.config ?? {},
        })
        // The file holds passwords: readable by this user only.
        await writeFile(layout.confPath, conf, { mode: 0o600 })
        const redisProcess = await launchRedis(spec)
        return new StartedRedisServer(spec, redisProcess, {
          profile,
          unixSocket: options.unixSocket ?? false,
          stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
        })
      } catch (error) {
        await rm(layout.dir, { recursive: true, force: true })
        if (!(error instanceof RedisStartError && error.portTaken) || attempt >= maxPortAttempts) throw error
      }
    }
  }
}

/** A running (or deliberately killed) server. Its port and directory stay the same across restarts. */
export class StartedRedisServer implements RedisHandle {
  readonly host = '127.0.0.1'
  readonly external = false
  readonly port: number
  readonly dir: string
  readonly profile: PersistenceProfile
  readonly unixSocketPath: string | undefined
  /** True when the port speaks TLS only; url() is then `rediss://`. */
  readonly tls: boolean
  readonly #launch: LaunchSpec
  readonly #stopTimeoutMs: number
  #process: RedisProcess
  #stopping: Promise<void> | undefined

  /** @internal Created by RedisServer.start(). */
  constructor(
    launch: LaunchSpec,
    redisProcess: RedisProcess,
    details: { profile: PersistenceProfile; unixSocket: boolean; stopTimeoutMs: number },
  ) {
    this.#launch = launch
    this.#process = redisProcess
    this.#stopTimeoutMs = details.stopTimeoutMs
    this.port = launch.port
    this.dir = launch.layout.dir
    this.profile = details.profile
    this.unixSocketPath = details.unixSocket ? launch.layout.socketPath : undefined
    this.tls = launch.endpoint.tls !== undefined
  }

  /** The pid of the current redis-server process; a restart changes it. */
  get pid(): number {
    return this.#process.pid
  }

  /** `redis://127.0.0.1:<port>` or `rediss://…`, never with credentials: callers add their own. */
  url(): string {
    return `${this.tls ? 'rediss' : 'redis'}://${this.host}:${this.port}`
  }

  /**
   * SIGTERM (Redis saves or fsyncs per its profile), SIGKILL if that takes too long, then removes
   * the directory. Harmless after kill() and when called again.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopAndRemoveDir()
    return this.#stopping
  }

  /** SIGKILL, as in a crash. The directory stays, so restart() shows what the profile kept. */
  async kill(): Promise<void> {
    await this.#process.kill()
  }

  /** Ends the process (SIGTERM when graceful, else SIGKILL) and starts it again on the same port and dir. */
  async restart(options: RestartOptions = {}): Promise<void> {
    this.#assertNotStopped('restart')
    if (options.graceful ?? true) await this.#process.terminate(this.#stopTimeoutMs)
    else await this.#process.kill()
    this.#process = await launchRedis(this.#launch)
  }

  async info(): Promise<RedisServerInfo> {
    this.#assertNotStopped('read INFO of')
    const text = await withAdminClient(this.#launch.endpoint, infoTimeoutMs, client => client.info())
    return parseRedisInfo(text)
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  async #stopAndRemoveDir(): Promise<void> {
    await this.#process.terminate(this.#stopTimeoutMs)
    await rm(this.dir, { recursive: true, force: true })
  }

  #assertNotStopped(action: string): void {
    if (this.#stopping === undefined) return
    throw new Error(`cannot ${action} the redis-server on port ${this.port}: it was stopped`)
  }
}

async function readTlsMaterial(tls: Required<RedisServerTlsOptions>): Promise<AdminEndpoint['tls']> {
  const ca = await readFile(tls.caFile)
  if (!tls.requireClientCert) return { ca }
  return { ca, cert: await readFile(tls.certFile), key: await readFile(tls.keyFile) }
}
