import { afterAll, beforeAll } from 'vitest'
import { type RedisHandle, startRedisForSuite } from '../../src/servers/index.ts'

/**
 * Starts the file's Redis in beforeAll (or uses REDIS_URL) and stops it in afterAll. Since REDIS_URL
 * may be a shared server, tests give every key a random namespace or id and never flush.
 */
export function useSuiteRedis(): { url(): string } {
  let redis: RedisHandle | undefined
  beforeAll(async () => {
    redis = await startRedisForSuite()
  })
  afterAll(async () => {
    await redis?.stop()
  })
  return {
    url() {
      if (redis === undefined) throw new Error('the suite Redis is not running (used outside a test?)')
      return redis.url()
    },
  }
}
