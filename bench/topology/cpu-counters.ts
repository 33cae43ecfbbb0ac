import { readFileSync } from 'node:fs'
import type { Redis } from 'ioredis'

/** redis-server's own CPU seconds (INFO cpu: used_cpu_sys + used_cpu_user, every thread), summed over `nodes`. */
export async function serverCpuSeconds(nodes: readonly Redis[]): Promise<number> {
  const texts = await Promise.all(nodes.map(node => node.info('cpu')))
  let seconds = 0
  for (const text of texts) {
    for (const match of text.matchAll(/^used_cpu_(?:sys|user):([\d.]+)/gm)) seconds += Number(match[1])
  }
  return seconds
}

/** The machine's CPU time so far, every process included, in /proc/stat's ticks. */
export interface MachineTicks {
  /** Ticks not idle (user, nice, system, irq, softirq, steal). */
  busy: number
  total: number
}

/** The aggregate `cpu` line of /proc/stat (Linux). */
export function machineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
  // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number)
  const total = fields.reduce((sum, value) => sum + value, 0)
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0)
  return { busy: total - idle, total }
}

/** Cores kept busy between two readings: the busy share of all ticks, times the cores. */
export function busyCores(before: MachineTicks, after: MachineTicks, cores: number): number {
  const total = after.total - before.total
  return total > 0 ? ((after.busy - before.busy) / total) * cores : 0
}
