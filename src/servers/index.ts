export { ExternalRedisServer } from './external-redis.ts'
export { RedisServer, StartedRedisServer } from './redis-server.ts'
export { startRedisForSuite } from './start-redis-for-suite.ts'
export { sweepLeftoverServers } from './sweep.ts'
export { makeSelfSignedCertificates } from './tls-certificates.ts'

// Types only. (This detached comment also stops Biome's sorter from merging them into the values.)

export type { PersistenceProfile, SavePoint } from './persistence-profiles.ts'
export type { RedisHandle } from './redis-handle.ts'
export type { RedisServerInfo } from './redis-info.ts'
export type { RedisServerOptions, RedisServerTlsOptions, RedisUser, RestartOptions } from './redis-server.ts'
export type { TlsCertificateFiles } from './tls-certificates.ts'
