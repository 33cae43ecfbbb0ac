import { setTimeout as delay } from 'node:timers/promises'
import { type AdminEndpoint, withAdminClient } from './admin-client.ts'
import type { RedisProcess } from './redis-process.ts'

const pollIntervalMs = 50
const probeTimeoutMs = 1_000

export type Readiness =
  | { ready: true }
  | { ready: false; reason: 'exited' | 'timed-out'; lastProbeError: string | undefined }

/**
 * Polls PING until the server answers PONG, its process exits, or `timeoutMs` passes. A `LOADING`
 * reply (an AOF or RDB file still being read) counts as not ready yet.
 */
export async function waitUntilReady(
  endpoint: AdminEndpoint,
  redisProcess: RedisProcess,
  timeoutMs: number,
): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs
  const maxProbes = Math.ceil(timeoutMs / pollIntervalMs) + 1
  let lastProbeError: string | undefined
  for (let probe = 0; probe < maxProbes; probe++) {
    if (redisProcess.hasExited) return { ready: false, reason: 'exited', lastProbeError }
    try {
      const reply = await withAdminClient(endpoint, Math.min(probeTimeoutMs, timeoutMs), client =>
        client.ping(),
      )
      if (reply === 'PONG') return { ready: true }
      lastProbeError = `unexpected PING reply ${JSON.stringify(reply)}`
    } catch (error) {
      lastProbeError = error instanceof Error ? error.message : String(error)
    }
    if (Date.now() >= deadline) break
    await delay(pollIntervalMs)
  }
  return { ready: false, reason: redisProcess.hasExited ? 'exited' : 'timed-out', lastProbeError }
}
