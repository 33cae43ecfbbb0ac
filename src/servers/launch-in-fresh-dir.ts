import { rm, writeFile } from 'node:fs/promises'
import type { AdminEndpoint } from './admin-client.ts'
import { findFreePort } from './free-port.ts'
import { type LaunchSpec, launchRedis, RedisStartError } from './launch-redis.ts'
import type { RedisProcess, ServerProgram } from './redis-process.ts'
import { createServerDir, type ServerDirLayout } from './server-dir.ts'

/** What a redis-server or redis-sentinel process needs to start somewhere new. */
export interface FreshLaunch {
  binary: string
  /** @default redis-server */
  program?: ServerProgram
  startTimeoutMs: number
  /** Passwords to scrub from any Redis output quoted in an error. */
  secrets: readonly string[]
  /** How the launcher itself reaches the process once it listens on `port`. */
  endpoint(port: number): AdminEndpoint
  /**
   * The config file for a process on `port` in `layout`. It may reserve more ports of its own (a
   * cluster bus): when one of them turns out taken, the whole launch is retried.
   */
  renderConf(port: number, layout: ServerDirLayout): Promise<string> | string
}

/** A port another process grabbed between findFreePort() and the bind is retried this often. */
const maxPortAttempts = 5

/**
 * Starts a process on a free loopback port in a fresh temporary directory (`chordlab-redis-*`, so
 * the sweep finds it) and waits until it answers PING. A port taken meanwhile is retried with a new
 * port and directory; any other failure removes the directory and is thrown.
 */
export async function launchInFreshDir(
  launch: FreshLaunch,
): Promise<{ spec: LaunchSpec; process: RedisProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort()
    const layout = await createServerDir()
    const spec: LaunchSpec = {
      binary: launch.binary,
      layout,
      port,
      endpoint: launch.endpoint(port),
      startTimeoutMs: launch.startTimeoutMs,
      secrets: launch.secrets,
      ...(launch.program === undefined ? {} : { program: launch.program }),
    }
    try {
      // The file may hold passwords: readable by this user only.
      await writeFile(layout.confPath, await launch.renderConf(port, layout), { mode: 0o600 })
      return { spec, process: await launchRedis(spec) }
    } catch (error) {
      await rm(layout.dir, { recursive: true, force: true })
      if (!(error instanceof RedisStartError && error.portTaken) || attempt >= maxPortAttempts) throw error
    }
  }
}
