import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { onTestFinished } from 'vitest'
import { type BackendOptions, RedisResultBackend } from '../../src/index.ts'

/**
 * A backend closed when the current test ends, passed or failed. When it has a namespace and a
 * plain redis:// URL, the namespace's keys are deleted then too, so a shared server (REDIS_URL)
 * keeps nothing from tests that store without a TTL.
 */
export function openBackend(url: string, options?: BackendOptions): RedisResultBackend {
  const backend = new RedisResultBackend(url, options)
  onTestFinished(async () => {
    await backend.close()
    if (backend.keys.namespace !== '' && url.startsWith('redis://')) {
      await deleteKeys(url, `${backend.keys.namespace}*`)
    }
  })
  return backend
}

/** Deletes the keys matching `pattern`; a server that is gone (stopped by the test) is ignored. */
async function deleteKeys(url: string, pattern: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
  })
  client.on('error', () => {})
  try {
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000)
      if (keys.length > 0) await client.unlink(...keys)
      cursor = next
    } while (cursor !== '0')
  } catch {
    // Nothing to clean on a server that is no longer there.
  } finally {
    client.disconnect()
  }
}

/**
 * A plain ioredis client for reading and writing keys behind the backend's back, disconnected when
 * the current test ends. It fails fast instead of retrying forever when the server is gone.
 */
export function openRawClient(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true })
  client.on('error', () => {})
  onTestFinished(() => {
    client.disconnect()
  })
  return client
}

/** A loopback TCP port nothing listens on (it was free a moment ago, and nothing here reuses it). */
export async function unusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>(resolve => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned')
  return address.port
}
