import type { RedisHandle } from './redis-handle.ts'

/** A server the user runs (given as REDIS_URL): used as is, never stopped, killed or restarted. */
export class ExternalRedisServer implements RedisHandle {
  readonly external = true
  readonly #url: string

  constructor(url: string) {
    let protocol: string
    try {
      protocol = new URL(url).protocol
    } catch {
      // The URL may hold a password, so it is not repeated here.
      throw new Error('REDIS_URL is not a valid URL (expected redis://host:port or rediss://host:port)')
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      throw new Error(`REDIS_URL must start with redis:// or rediss://, not ${protocol}//`)
    }
    this.#url = url
  }

  /** REDIS_URL exactly as given, credentials included. */
  url(): string {
    return this.#url
  }

  /** The server is the user's: nothing to stop, and nothing of theirs is closed. */
  async stop(): Promise<void> {}

  async kill(): Promise<never> {
    throw notAvailable('kill()')
  }

  async restart(): Promise<never> {
    throw notAvailable('restart()')
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }
}

function notAvailable(operation: string): Error {
  return new Error(
    `${operation} is not available on an external server (REDIS_URL is set); ` +
      'unset REDIS_URL to let chordlab start its own redis-server',
  )
}
