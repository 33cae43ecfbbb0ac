import type { Redis } from 'ioredis'

/** What Redis itself counted: commands by name, read events, and CPU seconds. */
export interface ServerCounters {
  /** `cmdstat_<name>` calls, commands run inside Lua scripts included. */
  commands: Record<string, number>
  /** `total_reads_processed`: socket read events, one per request a lone client waits on. */
  reads: number
  /** `used_cpu_sys + used_cpu_user`, seconds. */
  cpuSeconds: number
}

/** The counters between two snapshots, per completion. */
export interface CountersPerCompletion {
  /** Every command Redis ran (the snapshots' INFO and the closing QUITs excluded), per completion. */
  commands: number
  /** The same, by command name, per completion (top-level and inside scripts). */
  byCommand: Record<string, number>
  /** Read events per completion: the round trips when one call is in flight at a time. */
  roundTrips: number
  /** Server CPU per completion, microseconds. */
  cpuUs: number
}

/** One `INFO everything` round trip. */
export async function readCounters(admin: Redis): Promise<ServerCounters> {
  const text = await admin.info('everything')
  const commands: Record<string, number> = {}
  let reads = 0
  let cpuSeconds = 0
  for (const line of text.split(/\r?\n/)) {
    const stat = /^cmdstat_([^:]+):calls=(\d+)/.exec(line)
    if (stat?.[1] !== undefined) commands[stat[1]] = Number(stat[2])
    const [name, value] = line.split(':')
    if (name === 'total_reads_processed') reads = Number(value)
    if (name === 'used_cpu_sys' || name === 'used_cpu_user') cpuSeconds += Number(value)
  }
  return { commands, reads, cpuSeconds }
}

/**
 * `after − before` per completion. Taken out: the snapshot INFO calls (the `after` call is one
 * read and one `info` inside the window) and the QUITs of the completers closing before it.
 */
export function perCompletion(
  before: ServerCounters,
  after: ServerCounters,
  completions: number,
): CountersPerCompletion {
  const byCommand: Record<string, number> = {}
  let commands = 0
  for (const [name, calls] of Object.entries(after.commands)) {
    if (name === 'info' || name === 'quit') continue
    const delta = calls - (before.commands[name] ?? 0)
    if (delta <= 0) continue
    byCommand[name] = delta / completions
    commands += delta
  }
  return {
    commands: commands / completions,
    byCommand,
    roundTrips: (after.reads - before.reads - 1) / completions,
    cpuUs: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / completions,
  }
}
