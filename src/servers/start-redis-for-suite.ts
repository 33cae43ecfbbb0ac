import { ExternalRedisServer } from './external-redis.ts'
import { RedisServer, type RedisServerOptions, type StartedRedisServer } from './redis-server.ts'

/**
 * The Redis a suite runs against: the user's server when REDIS_URL is set (then `options` cannot
 * be applied and are ignored), otherwise a fresh redis-server configured by `options`. Narrow on
 * `external` to reach kill() and restart() of a server chordlab started.
 */
export async function startRedisForSuite(
  options?: RedisServerOptions,
): Promise<StartedRedisServer | ExternalRedisServer> {
  const externalUrl = process.env.REDIS_URL
  if (externalUrl !== undefined && externalUrl !== '') return new ExternalRedisServer(externalUrl)
  return new RedisServer(options).start()
}
