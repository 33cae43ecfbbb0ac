import type { Redis, RedisOptions } from 'ioredis'
import { withFailFastClient } from '../../src/servers/admin-client.ts'

/**
 * Runs `use` on a client that fails fast (no retries, no offline queue, 2 s timeouts), so a refused
 * or broken connection becomes a rejection instead of a hang, and always closes it.
 */
export function withClient<T>(options: RedisOptions, use: (client: Redis) => Promise<T>): Promise<T> {
  return withFailFastClient(options, 2_000, use)
}

export function ping(options: RedisOptions): Promise<string> {
  return withClient(options, client => client.ping())
}
