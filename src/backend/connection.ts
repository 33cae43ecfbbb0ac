import { Redis } from 'ioredis'
import { defineScripts } from './scripts.ts'
import type { ConnectionTarget } from './url.ts'

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

/**
 * One ioredis client shared by a backend and the backends derived from it with `withPrefix`;
 * the socket closes when the last of them closes.
 */
export class SharedConnection {
  readonly client: Redis
  #users = 1
  /** The last connection-level error ioredis reported, kept so it is not printed as "unhandled". */
  lastError: Error | undefined

  constructor(target: ConnectionTarget, options: ConnectionOptions) {
    const settings = { ...connectionDefaults, ...options }
    this.client = new Redis({
      ...target.options,
      lazyConnect: true,
      connectTimeout: settings.connectTimeoutMs,
      ...(settings.commandTimeoutMs > 0 ? { commandTimeout: settings.commandTimeoutMs } : {}),
      maxRetriesPerRequest: settings.maxRetriesPerRequest,
      enableAutoPipelining: settings.autoPipelining,
      retryStrategy: times => Math.min(times * 100, maxReconnectDelayMs),
    })
    this.client.on('error', (error: Error) => {
      this.lastError = error
    })
    defineScripts(this.client)
  }

  share(): this {
    this.#users += 1
    return this
  }

  async release(): Promise<void> {
    this.#users -= 1
    if (this.#users > 0) return
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect())
    } else {
      this.client.disconnect()
    }
  }
}
