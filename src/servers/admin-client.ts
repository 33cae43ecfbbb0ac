import { Redis } from 'ioredis'

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
export async function withAdminClient<T>(
  endpoint: AdminEndpoint,
  timeoutMs: number,
  use: (client: Redis) => Promise<T>,
): Promise<T> {
  const client = new Redis({
    host: '127.0.0.1',
    port: endpoint.port,
    ...(endpoint.tls === undefined ? {} : { tls: endpoint.tls }),
    ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    // ioredis's ready check would wait out LOADING itself; the caller wants to see it.
    enableReadyCheck: false,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  })
  // When the connection fails (refused, WRONGPASS, TLS handshake), ioredis emits the cause as an
  // 'error' event and rejects the pending call with a bare "Connection is closed"; keep the cause.
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
