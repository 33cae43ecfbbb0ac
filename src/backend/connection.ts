import { Cluster, Redis } from 'ioredis'
import { defineScripts } from './scripts.ts'
import type { ResolvedTarget } from './target.ts'

export interface ConnectionOptions {
  /** Give up connecting after this long. @default 10_000 */
  connectTimeoutMs?: number
  /**
   * Reject a command whose reply has not arrived after this long (a hung or partitioned Redis).
   * The command may still be applied later: treat such an error as "unknown outcome". 0 disables.
   * @default 5_000
   */
  commandTimeoutMs?: number
  /**
   * Reconnection attempts a command waits through before it fails with a `Connection` error.
   * Commands in flight when a connection drops are resent after the reconnect (ioredis's
   * behaviour); the reference barrier is safe against that resend.
   * @default 2
   */
  maxRetriesPerRequest?: number
  /** Send the commands of one event-loop tick as one pipeline (ioredis `enableAutoPipelining`). @default false */
  autoPipelining?: boolean
}

export const connectionDefaults = {
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 5_000,
  maxRetriesPerRequest: 2,
  autoPipelining: false,
} as const satisfies Required<ConnectionOptions>

const maxReconnectDelayMs = 1_000

const clusterUnreachable = /None of startup nodes is available|Failed to refresh slots cache/

/** A single server's or a Sentinel group's client (`Redis`), or a cluster's (`Cluster`). */
export type RedisClient = Redis | Cluster

/**
 * One ioredis client shared by a backend and the backends derived from it with `withPrefix`;
 * the socket(s) close when the last of them closes.
 */
export class SharedConnection {
  readonly client: RedisClient
  #users = 1
  /** The last connection-level error ioredis reported, kept so it is not printed as "unhandled". */
  lastError: Error | undefined
  #lastNodeError: Error | undefined

  constructor(target: ResolvedTarget, options: ConnectionOptions) {
    this.client = createClient(target, { ...connectionDefaults, ...options })
    this.client.on('error', (error: Error) => {
      this.lastError = error
    })
    this.client.on('node error', (error: Error) => {
      this.#lastNodeError = error
    })
    defineScripts(this.client)
  }

  /**
   * A cluster client that reaches no node says only that ("None of startup nodes is available");
   * why (a refused connection, WRONGPASS, a TLS failure) was reported per node meanwhile and is
   * added here.
   */
  explain(error: unknown): unknown {
    const cause = this.#lastNodeError
    if (!(error instanceof Error) || cause === undefined || !clusterUnreachable.test(error.message))
      return error
    const explained = new Error(`${error.message} (last node error: ${cause.message})`)
    explained.name = error.name
    return explained
  }

  /**
   * The client, connecting again first when it ended without being closed: a cluster client that
   * gave up (every node was unreachable for all its attempts), or a Sentinel client whose lookup of
   * the primary was cut short (ioredis ends it for good when a `+switch-master` arrives while it is
   * reconnecting, seen after a primary kill). Commands sent to a client in that state fail at once
   * with "Connection is closed.".
   */
  acquire(): RedisClient {
    if (this.client.status === 'end' && this.#users > 0) {
      this.client.connect().catch(() => {
        // The failure reaches the commands queued meanwhile, as a `Connection` error each.
      })
    }
    return this.client
  }

  share(): this {
    this.#users += 1
    return this
  }

  async release(): Promise<void> {
    this.#users -= 1
    if (this.#users > 0) return
    if (this.client.status === 'ready') await this.client.quit().catch(() => {})
    // Also after QUIT: only disconnect() ends what the client holds besides its socket (a Sentinel
    // client's connections to the sentinels, which would otherwise keep reconnecting, and keep
    // the process alive, once the sentinels are gone).
    this.client.disconnect()
  }
}

function createClient(target: ResolvedTarget, settings: Required<ConnectionOptions>): RedisClient {
  const perConnection = {
    connectTimeout: settings.connectTimeoutMs,
    ...(settings.commandTimeoutMs > 0 ? { commandTimeout: settings.commandTimeoutMs } : {}),
    maxRetriesPerRequest: settings.maxRetriesPerRequest,
  }
  const retryStrategy = (times: number) => Math.min(times * 100, maxReconnectDelayMs)
  switch (target.kind) {
    case 'single':
      return new Redis({
        ...target.options,
        ...perConnection,
        lazyConnect: true,
        enableAutoPipelining: settings.autoPipelining,
        retryStrategy,
      })
    case 'sentinel':
      return new Redis({
        ...target.nodeOptions,
        ...perConnection,
        sentinels: target.sentinels,
        name: target.name,
        ...(target.sentinelPassword === undefined ? {} : { sentinelPassword: target.sentinelPassword }),
        ...(target.nodeOptions.tls === undefined
          ? {}
          : { enableTLSForSentinelMode: true, sentinelTLS: target.nodeOptions.tls }),
        // Reconnect as soon as a sentinel announces a new primary, instead of writing on to the old
        // one until a sentinel demotes it (which discards those writes).
        failoverDetector: true,
        // A primary demoted under a connection answers writes with READONLY: reconnect (asking the
        // sentinels again) and resend. The write was refused, so the resend cannot count it twice.
        reconnectOnError: error => (error.message.startsWith('READONLY') ? 2 : false),
        lazyConnect: true,
        enableAutoPipelining: settings.autoPipelining,
        retryStrategy,
      })
    case 'cluster':
      return new Cluster(target.nodes, {
        redisOptions: { ...target.nodeOptions, ...perConnection },
        lazyConnect: true,
        enableAutoPipelining: settings.autoPipelining,
        // Give up (a `Connection` error) after as many attempts as a single server's commands wait
        // through; the next command starts connecting again (see acquire()).
        clusterRetryStrategy: times =>
          times > settings.maxRetriesPerRequest + 1 ? null : retryStrategy(times),
      })
  }
}
