export { ExternalRedisServer } from './external-redis.ts'
export { LaunchedServer } from './launched-server.ts'
export { clusterDefaults, RedisCluster, StartedRedisCluster } from './redis-cluster.ts'
export {
  RedisSentinelGroup,
  StartedRedisSentinelGroup,
  sentinelGroupDefaults,
} from './redis-sentinel-group.ts'
export { RedisServer, StartedRedisServer } from './redis-server.ts'
export { SlotMigration } from './slot-migration.ts'
export { startRedisForSuite } from './start-redis-for-suite.ts'
export { sweepLeftoverServers } from './sweep.ts'
export { makeSelfSignedCertificates } from './tls-certificates.ts'

// Types only. (This detached comment also stops Biome's sorter from merging them into the values.)

export type { RestartOptions } from './launched-server.ts'
export type { PersistenceProfile, SavePoint } from './persistence-profiles.ts'
export type { ClusterMember, RedisClusterOptions } from './redis-cluster.ts'
export type { RedisHandle } from './redis-handle.ts'
export type { RedisServerInfo } from './redis-info.ts'
export type { RedisSentinelGroupOptions } from './redis-sentinel-group.ts'
export type { RedisServerOptions, RedisServerTlsOptions, RedisUser } from './redis-server.ts'
export type { TlsCertificateFiles } from './tls-certificates.ts'
export type {
  FailoverOutcome,
  KillPrimaryOptions,
  NodeAddress,
  TopologyNodeOptions,
} from './topology-types.ts'
