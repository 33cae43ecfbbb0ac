import { Redis, type RedisOptions } from 'ioredis'

/** How the launcher itself reaches a server it started: address, TLS material and password. */
export interface AdminEndpoint {
  port: number
  /** Present when the server listens with TLS only; cert and key when it requires client certificates. */
  tls: { ca: Buffer; cert?: Buffer; key?: Buffer } | undefined
  password: string | undefined
}

/**
 * Runs `use` on a fresh single-shot connection and always closes it. The connection never
 * reconnects, retries or queues, so a server that is down or still loading shows up as an
 * immediate rejection.
 */
export function withAdminClient<T>(
  endpoint: AdminEndpoint,
  timeoutMs: number,
  use: (client: Redis) => Promise<T>,
): Promise<T> {
  return withFailFastClient(
    {
      port: endpoint.port,
      ...(endpoint.tls === undefined ? {} : { tls: endpoint.tls }),
      ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
    },
    timeoutMs,
    use,
  )
}

/**
 * The same single-shot, never-retrying connection for any options (host 127.0.0.1 and both
 * timeouts `timeoutMs` unless `options` say otherwise).
 * When the connection fails (refused, WRONGPASS, TLS handshake), ioredis emits the cause as an
 * 'error' event and rejects the pending call with a bare "Connection is closed"; the cause is
 * what this rejects with.
 */
export async function withFailFastClient<T>(
  options: RedisOptions,
  timeoutMs: number,
  use: (client: Redis) => Promise<T>,
): Promise<T> {
  const client = new Redis({
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    // ioredis's ready check would wait out LOADING itself; the caller wants to see it.
    enableReadyCheck: false,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    ...options,
  })
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
