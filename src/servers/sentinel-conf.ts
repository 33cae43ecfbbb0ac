import { quoteConfString } from './redis-conf.ts'
import type { ServerDirLayout } from './server-dir.ts'

/** What goes into one redis-sentinel's config file, resolved to concrete values. */
export interface SentinelConfSettings {
  port: number
  layout: ServerDirLayout
  /** The name the group's primary is monitored under (what clients ask sentinels for). */
  name: string
  primary: { host: string; port: number }
  /** Sentinels that must agree the primary is down before a failover starts. */
  quorum: number
  downAfterMs: number
  failoverTimeoutMs: number
  /** The data nodes' password, for the sentinel's own connections to them. */
  password: string | undefined
}

/** A sentinel.conf; redis-sentinel rewrites this file as it learns the group (its id, replicas, other sentinels). */
export function renderSentinelConf(settings: SentinelConfSettings): string {
  const { name, layout } = settings
  const lines = [
    'bind 127.0.0.1',
    `port ${settings.port}`,
    `dir ${quoteConfString(layout.dir)}`,
    `pidfile ${quoteConfString(layout.pidPath)}`,
    `logfile ${quoteConfString(layout.logPath)}`,
    'daemonize no',
    `sentinel monitor ${name} ${settings.primary.host} ${settings.primary.port} ${settings.quorum}`,
    `sentinel down-after-milliseconds ${name} ${settings.downAfterMs}`,
    `sentinel failover-timeout ${name} ${settings.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${name} 1`,
    ...(settings.password === undefined
      ? []
      : [`sentinel auth-pass ${name} ${quoteConfString(settings.password)}`]),
  ]
  return `${lines.join('\n')}\n`
}
