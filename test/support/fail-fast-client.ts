import { Redis, type RedisOptions } from 'ioredis'

/**
 * Runs `use` on a client that fails fast (no retries, no offline queue, 2 s timeouts), so a refused
 * or broken connection becomes a rejection instead of a hang, and always closes it.
 */
export async function withClient<T>(options: RedisOptions, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    ...options,
  })
  // A failed connection rejects the pending call with a bare "Connection is closed" and emits the
  // cause (WRONGPASS, ECONNREFUSED, a TLS error) as an 'error' event; report the cause.
  let connectionError: Error | undefined
  client.on('error', (error: Error) => {
    connectionError ??= error
  })
  try {
    await client.connect()
    return await use(client)
  } catch (error) {
    throw connectionError ?? error
  } finally {
    client.disconnect()
  }
}

export function ping(options: RedisOptions): Promise<string> {
  return withClient(options, client => client.ping())
}
