import type { AdminEndpoint } from './admin-client.ts'
import { readLastLines } from './log-tail.ts'
import { redactSecrets } from './redact-secrets.ts'
import { RedisProcess, redisServerProgram, type ServerProgram } from './redis-process.ts'
import type { ServerDirLayout } from './server-dir.ts'
import { waitUntilReady } from './wait-until-ready.ts'

const reportedLogLines = 20

/** What it takes to (re)start one server whose redis.conf is already written. */
export interface LaunchSpec {
  binary: string
  layout: ServerDirLayout
  port: number
  endpoint: AdminEndpoint
  startTimeoutMs: number
  /** Passwords to scrub from any Redis output we quote in an error. */
  secrets: readonly string[]
  /** What runs: named in errors. @default redis-server */
  program?: ServerProgram
}

/** A server that did not come up. `portTaken` says another process bound its port first. */
export class RedisStartError extends Error {
  override readonly name = 'RedisStartError'
  readonly portTaken: boolean

  constructor(message: string, portTaken: boolean) {
    super(message)
    this.portTaken = portTaken
  }
}

/**
 * Starts the spec's program (redis-server or redis-sentinel) on `spec.layout.confPath` and waits
 * until it answers PING. On failure the process is killed (its directory is left to the caller) and
 * the error quotes the end of its log.
 */
export async function launchRedis(spec: LaunchSpec): Promise<RedisProcess> {
  const program = spec.program ?? redisServerProgram
  const redisProcess = await RedisProcess.spawn(spec.binary, spec.layout.confPath, program)
  const readiness = await waitUntilReady(spec.endpoint, redisProcess, spec.startTimeoutMs)
  if (readiness.ready) return redisProcess

  await redisProcess.kill()
  const log = await readLastLines(spec.layout.logPath, reportedLogLines)
  const stderr = redisProcess.stderrTail(reportedLogLines)
  const lastProbeError = readiness.lastProbeError ?? 'none'
  const what =
    readiness.reason === 'exited'
      ? 'exited before it was ready'
      : `was not ready within ${spec.startTimeoutMs} ms (last PING error: ${lastProbeError})`
  const message = [
    `${program.name} ${what} (port ${spec.port}, dir ${spec.layout.dir}).`,
    `Last lines of redis.log:\n${log === '' ? '(empty)' : log}`,
    ...(stderr === '' ? [] : [`stderr:\n${stderr}`]),
  ].join('\n')
  const portTaken = /Address already in use/.test(log + stderr)
  throw new RedisStartError(redactSecrets(message, spec.secrets), portTaken)
}
