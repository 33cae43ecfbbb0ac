import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { SharedConnection } from '../src/backend/connection.ts'
import { resolveTarget } from '../src/backend/target.ts'
import { useSuiteRedis } from './support/suite-redis.ts'

const redis = useSuiteRedis()

describe('a client that ended without being closed', () => {
  it('connects again on the next command instead of failing every command with "Connection is closed."', async () => {
    const connection = new SharedConnection(resolveTarget(redis.url(), undefined), {})
    try {
      expect(await connection.acquire().ping()).toBe('PONG')
      // What ioredis does to a Sentinel client whose lookup of the primary is cut short: it ends,
      // and never reconnects by itself.
      const ended = once(connection.client, 'end')
      connection.client.disconnect()
      await ended
      expect(connection.client.status).toBe('end')
      expect(await connection.acquire().ping()).toBe('PONG')
    } finally {
      await connection.release()
    }
  })
})
