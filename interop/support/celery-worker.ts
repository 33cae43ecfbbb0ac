import { type ChildProcessByStdio, spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { killOnProcessExit } from '../../src/servers/child-registry.ts'
import { pythonBinary, pythonDirectory, pythonEnvironment, terminate } from './python.ts'

export interface CeleryWorkerOptions {
  /** Broker and result backend, with the database number: `redis://127.0.0.1:port/1`. */
  redisUrl: string
  /** Celery's `result_extended`: the worker stores name, args, kwargs, worker, retries and queue. */
  extended: boolean
  /** The node name before `@host`; also names the worker's queue. */
  name: string
  /** How long start() waits for the worker's "ready." line. @default 30_000 */
  startTimeoutMs?: number
  /** How long stop() waits after SIGTERM (a warm shutdown) before SIGKILL. @default 10_000 */
  stopTimeoutMs?: number
}

/** Keeps this many of the worker's last log lines for error messages. */
const keptLogLines = 40

/**
 * A real `celery worker` process running interop/python/interop_worker.py: the solo pool (tasks run
 * one at a time in the worker process itself), no heartbeat, gossip or mingle, so it starts in
 * about a second and talks to nothing but the suite's Redis.
 */
export class CeleryWorker implements AsyncDisposable {
  /** Celery's node name, `name@host`, as the worker itself reports it (revoke replies come from it). */
  readonly nodeName: string
  readonly queue: string
  readonly #child: ChildProcessByStdio<null, Readable, Readable>
  readonly #log: string[]
  readonly #stopTimeoutMs: number

  private constructor(
    child: ChildProcessByStdio<null, Readable, Readable>,
    nodeName: string,
    queue: string,
    log: string[],
    stopTimeoutMs: number,
  ) {
    this.#child = child
    this.nodeName = nodeName
    this.queue = queue
    this.#log = log
    this.#stopTimeoutMs = stopTimeoutMs
  }

  static async start(options: CeleryWorkerOptions): Promise<CeleryWorker> {
    const queue = `chordlab-interop-${options.name}`
    const child = spawn(
      pythonBinary,
      [
        '-m',
        'celery',
        '-A',
        'interop_worker',
        'worker',
        '-P',
        'solo',
        '--without-heartbeat',
        '--without-gossip',
        '--without-mingle',
        '-n',
        `${options.name}@%h`,
        '-Q',
        queue,
        '--loglevel=INFO',
      ],
      {
        cwd: pythonDirectory,
        env: pythonEnvironment({
          CHORDLAB_INTEROP_REDIS_URL: options.redisUrl,
          CHORDLAB_INTEROP_QUEUE: queue,
          CHORDLAB_INTEROP_EXTENDED: options.extended ? '1' : '0',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    killOnProcessExit(child)
    const log: string[] = []
    const nodeName = await waitUntilReady(child, log, options.startTimeoutMs ?? 30_000)
    return new CeleryWorker(child, nodeName, queue, log, options.stopTimeoutMs ?? 10_000)
  }

  /** The worker's last log lines, for the message of a failed test. */
  logTail(): string {
    return this.#log.join('\n')
  }

  /** SIGTERM (Celery's warm shutdown), SIGKILL after the stop timeout. Harmless when called again. */
  async stop(): Promise<void> {
    await terminate(this.#child, this.#stopTimeoutMs)
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

/** Resolves with the node name from the worker's `<name>@<host> ready.` line; fails on exit or timeout. */
async function waitUntilReady(
  child: ChildProcessByStdio<null, Readable, Readable>,
  log: string[],
  timeoutMs: number,
): Promise<string> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await new Promise<string>((resolve, reject) => {
      const failed = (why: string) => new Error(`celery worker ${why}; its log ends with:\n${log.join('\n')}`)
      for (const stream of [child.stdout, child.stderr]) {
        onLines(stream, line => {
          log.push(line)
          log.splice(0, Math.max(0, log.length - keptLogLines))
          const ready = /(\S+@\S+) ready\.$/.exec(line)?.[1]
          if (ready !== undefined) resolve(ready)
        })
      }
      child.once('error', error => reject(failed(`could not start (${error.message})`)))
      child.once('exit', (code, signal) => reject(failed(`exited before it was ready (${signal ?? code})`)))
      timer = setTimeout(() => {
        reject(failed(`was not ready after ${timeoutMs} ms`))
      }, timeoutMs)
    })
  } catch (error) {
    await terminate(child, 2_000)
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** Calls `onLine` for every complete, non-blank line of `stream` (a chunk may end mid-line). */
function onLines(stream: Readable, onLine: (line: string) => void): void {
  let partial = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) if (line.trim() !== '') onLine(line.trimEnd())
  })
}
