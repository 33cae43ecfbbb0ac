import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { killOnProcessExit } from './child-registry.ts'
import { lastLines } from './log-tail.ts'

/** How long a SIGKILLed process may take to be reported gone before we call it stuck. */
const killTimeoutMs = 5_000
/** Only the end of stderr matters (why it refused to start), so keep a bounded tail. */
const stderrTailChars = 8_192

/** Which Redis program a process runs, as messages name it, and how to install it when it is missing. */
export interface ServerProgram {
  name: string
  installHint: string
}

export const redisServerProgram: ServerProgram = {
  name: 'redis-server',
  installHint:
    'sudo apt-get install redis-server (Debian/Ubuntu), or set REDIS_SERVER_BIN to another binary such as valkey-server.',
}

export const redisSentinelProgram: ServerProgram = {
  name: 'redis-sentinel',
  installHint:
    'sudo apt-get install redis-sentinel (Debian/Ubuntu), or set REDIS_SENTINEL_BIN to another binary such as valkey-sentinel.',
}

/** One running redis-server child process: spawn it, watch it, end it. Knows nothing of Redis itself. */
export class RedisProcess {
  readonly pid: number
  readonly #child: ChildProcess
  #stderrTail = ''
  #paused = false

  private constructor(child: ChildProcess, pid: number) {
    this.#child = child
    this.pid = pid
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      this.#stderrTail = (this.#stderrTail + chunk).slice(-stderrTailChars)
    })
    // After a successful spawn, 'error' only reports a signal that could not be delivered; the
    // process's end is observed through 'exit', and an unhandled 'error' would crash the test worker.
    child.on('error', () => {})
  }

  /** Starts `binary <confPath>`; a binary that does not exist gives an error that says how to install one. */
  static async spawn(
    binary: string,
    confPath: string,
    program: ServerProgram = redisServerProgram,
  ): Promise<RedisProcess> {
    const child = spawn(binary, [confPath], { stdio: ['ignore', 'ignore', 'pipe'] })
    try {
      await once(child, 'spawn')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(
          `${program.name} not found (looked for "${binary}"). Install it: ${program.installHint}`,
          {
            cause: error,
          },
        )
      }
      throw error
    }
    if (child.pid === undefined) throw new Error(`"${binary}" was spawned but has no pid`)
    killOnProcessExit(child)
    return new RedisProcess(child, child.pid)
  }

  get hasExited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null
  }

  /** True between pause() and resume() (or the process's end). */
  get paused(): boolean {
    return this.#paused && !this.hasExited
  }

  /** SIGSTOP: the process stops running, its sockets stay open and the kernel keeps buffering for it. */
  pause(): void {
    if (this.hasExited) return
    this.#child.kill('SIGSTOP')
    this.#paused = true
  }

  /** SIGCONT after pause(); harmless when not paused. */
  resume(): void {
    if (this.hasExited || !this.#paused) return
    this.#child.kill('SIGCONT')
    this.#paused = false
  }

  /** The last lines Redis wrote to stderr: where it explains a config file it refuses to load. */
  stderrTail(lineCount: number): string {
    return lastLines(this.#stderrTail, lineCount)
  }

  /** SIGTERM (Redis saves or fsyncs per its config), then SIGKILL if it has not exited within `timeoutMs`. */
  async terminate(timeoutMs: number): Promise<void> {
    if (this.hasExited) return
    // A stopped process would hold SIGTERM until SIGCONT, and be SIGKILLed after the whole timeout.
    this.resume()
    this.#child.kill('SIGTERM')
    if (await this.waitForExit(timeoutMs)) return
    await this.kill()
  }

  /** SIGKILL, then wait until the process is reported gone. */
  async kill(): Promise<void> {
    if (this.hasExited) return
    this.#child.kill('SIGKILL')
    if (!(await this.waitForExit(killTimeoutMs))) {
      throw new Error(`redis-server (pid ${this.pid}) was still running ${killTimeoutMs} ms after SIGKILL`)
    }
  }

  /** Resolves true once the process has exited, false if it still runs after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    // exitCode/signalCode are set in the same tick that emits 'exit', so checking them first cannot
    // miss an exit that happens before the listener is attached.
    if (this.hasExited) return true
    try {
      await once(this.#child, 'exit', { signal: AbortSignal.timeout(timeoutMs) })
      return true
    } catch (error) {
      if ((error as Error).name === 'AbortError') return false
      throw error
    }
  }
}
