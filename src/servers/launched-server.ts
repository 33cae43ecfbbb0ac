import { rm } from 'node:fs/promises'
import type { Redis } from 'ioredis'
import { withAdminClient } from './admin-client.ts'
import { type LaunchSpec, launchRedis } from './launch-redis.ts'
import { type RedisProcess, redisServerProgram } from './redis-process.ts'

export interface RestartOptions {
  /** SIGTERM (Redis saves or fsyncs per its profile) rather than SIGKILL (a crash). @default true */
  graceful?: boolean
}

const adminTimeoutMs = 5_000

/**
 * The lifecycle every process chordlab starts shares (a redis-server, a cluster node, a
 * redis-sentinel): one port and one directory that stay the same across restarts, SIGKILL, a
 * graceful stop that removes the directory, and admin connections of its own.
 */
export class LaunchedServer implements AsyncDisposable {
  readonly host = '127.0.0.1'
  readonly port: number
  readonly dir: string
  readonly #launch: LaunchSpec
  readonly #stopTimeoutMs: number
  #process: RedisProcess
  #stopping: Promise<void> | undefined

  /** @internal Created by the launchers. */
  constructor(launch: LaunchSpec, process: RedisProcess, stopTimeoutMs: number) {
    this.#launch = launch
    this.#process = process
    this.#stopTimeoutMs = stopTimeoutMs
    this.port = launch.port
    this.dir = launch.layout.dir
  }

  /** The pid of the current process; a restart changes it. */
  get pid(): number {
    return this.#process.pid
  }

  /** False once the process has ended (killed, stopped, or exited by itself) and until a restart. */
  get running(): boolean {
    return !this.#process.hasExited
  }

  /** True between pause() and resume(): the process exists but answers nothing. */
  get paused(): boolean {
    return this.#process.paused
  }

  /**
   * SIGSTOP, as a process that hangs (a long GC pause, a stalled VM): it answers nothing, while the
   * kernel keeps its connections open and goes on buffering what peers send it. stop(), kill() and
   * restart() still work on a paused process (stop() sends SIGCONT before SIGTERM).
   */
  pause(): void {
    this.assertNotStopped('pause')
    this.#process.pause()
  }

  /** SIGCONT after pause(): the process reads what the kernel buffered meanwhile and carries on. */
  resume(): void {
    this.#process.resume()
  }

  /** `127.0.0.1:<port>`, as Redis names nodes in CLUSTER NODES and Sentinel replies. */
  get address(): string {
    return `${this.host}:${this.port}`
  }

  /**
   * SIGTERM (Redis saves or fsyncs per its profile), SIGKILL if that takes too long, then removes
   * the directory. Harmless after kill() and when called again.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopAndRemoveDir()
    return this.#stopping
  }

  /** SIGKILL, as in a crash. The directory stays, so restart() shows what the profile kept. */
  async kill(): Promise<void> {
    await this.#process.kill()
  }

  /** Ends the process (SIGTERM when graceful, else SIGKILL) and starts it again on the same port and dir. */
  async restart(options: RestartOptions = {}): Promise<void> {
    this.assertNotStopped('restart')
    if (options.graceful ?? true) await this.#process.terminate(this.#stopTimeoutMs)
    else await this.#process.kill()
    this.#process = await launchRedis(this.#launch)
  }

  /**
   * Runs `use` on a fresh connection that never retries or queues (a server that is down shows up
   * as an immediate rejection), authenticated as the launcher, and always closes it.
   */
  withAdminClient<T>(use: (client: Redis) => Promise<T>, timeoutMs = adminTimeoutMs): Promise<T> {
    this.assertNotStopped('connect to')
    return withAdminClient(this.#launch.endpoint, timeoutMs, use)
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  protected assertNotStopped(action: string): void {
    if (this.#stopping === undefined) return
    const program = (this.#launch.program ?? redisServerProgram).name
    throw new Error(`cannot ${action} the ${program} on port ${this.port}: it was stopped`)
  }

  async #stopAndRemoveDir(): Promise<void> {
    await this.#process.terminate(this.#stopTimeoutMs)
    await rm(this.dir, { recursive: true, force: true })
  }
}
