/** The INFO fields the harness looks at, parsed; `raw` keeps every field as Redis sent it. */
export interface RedisServerInfo {
  /** `redis_version` (Valkey reports its Redis-compatible version here too). */
  version: string
  pid: number
  uptimeSeconds: number
  /** Bytes allocated by Redis (`used_memory`). */
  usedMemory: number
  /** True while an AOF or RDB file is being read at startup; commands answer LOADING meanwhile. */
  loading: boolean
  aofEnabled: boolean
  aofRewriteInProgress: boolean
  rdbBgsaveInProgress: boolean
  rdbChangesSinceLastSave: number
  /** When the last successful RDB snapshot finished (the server's start time if there was none). */
  rdbLastSaveTime: Date
  raw: Record<string, string>
}

/** Parses the text of an INFO reply (`# Section` headers and `name:value` lines). */
export function parseRedisInfo(text: string): RedisServerInfo {
  const raw: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue
    const separator = line.indexOf(':')
    if (separator > 0) raw[line.slice(0, separator)] = line.slice(separator + 1)
  }
  const field = (name: string): string => {
    const value = raw[name]
    if (value === undefined) throw new Error(`INFO reply has no "${name}" field`)
    return value
  }
  const integer = (name: string): number => {
    const value = Number(field(name))
    if (!Number.isInteger(value)) throw new Error(`INFO field "${name}" is not an integer: ${field(name)}`)
    return value
  }
  const flag = (name: string): boolean => integer(name) === 1
  return {
    version: field('redis_version'),
    pid: integer('process_id'),
    uptimeSeconds: integer('uptime_in_seconds'),
    usedMemory: integer('used_memory'),
    loading: flag('loading'),
    aofEnabled: flag('aof_enabled'),
    aofRewriteInProgress: flag('aof_rewrite_in_progress'),
    rdbBgsaveInProgress: flag('rdb_bgsave_in_progress'),
    rdbChangesSinceLastSave: integer('rdb_changes_since_last_save'),
    rdbLastSaveTime: new Date(integer('rdb_last_save_time') * 1000),
    raw,
  }
}
