import type { RedisServerOptions, StartedRedisServer } from './redis-server.ts'

/**
 * What every data node of a topology (cluster node, Sentinel group member) is started with: the
 * single server's options that make sense for a group. Unix sockets and ACL users are left out.
 */
export type TopologyNodeOptions = Pick<
  RedisServerOptions,
  'profile' | 'savePoints' | 'password' | 'tls' | 'binary' | 'config' | 'startTimeoutMs' | 'stopTimeoutMs'
>

/** Where a client connects to one node; what ioredis's Cluster and Sentinel options take. */
export interface NodeAddress {
  host: string
  port: number
}

/** A promotion, as the launchers report it. */
export interface FailoverOutcome {
  /** The node that is primary now. */
  promoted: StartedRedisServer
  /** The node that was primary before. */
  previous: StartedRedisServer
  /**
   * From the start of the failover (the kill, or the failover command) until clients can find the
   * new primary: every node of the cluster agrees, or every sentinel names it.
   */
  elapsedMs: number
}

/** How a primary kill goes on. */
export interface KillPrimaryOptions {
  /** Runs right before the SIGKILL, once the primary is known: e.g. to note when the failover began. @default nothing */
  beforeKill?: () => void
  /**
   * Runs right after the SIGKILL, before waiting for the promotion: e.g. resumes replicas that were
   * paused to make them fall behind, so that one of them can be promoted. @default nothing
   */
  afterKill?: () => Promise<void> | void
}
