import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { BarrierName } from '../../src/backend/barrier/index.ts'
import type { CompletionRecord } from '../../src/history/chord-check.ts'
import { monotonicMs } from './monotonic-clock.ts'

/** What one worker process does in one race. */
export interface RaceJob {
  /** May carry a password (REDIS_URL): it travels over IPC only, never into output. */
  url: string
  barrier: BarrierName
  namespace: string
  chordId: string
  /** Task ids in the order this worker delivers them. */
  deliveries: string[]
}

export type ToWorker = { type: 'prepare'; job: RaceJob } | { type: 'go'; startAtMs: number }

export type FromWorker =
  | { type: 'online' }
  | { type: 'ready' }
  | { type: 'done'; records: CompletionRecord[] }
  | { type: 'failed'; message: string }

/** Forking runs tsx's loader in each worker (seconds on a busy machine); a race itself is quicker. */
const onlineTimeoutMs = 30_000
const raceTimeoutMs = 30_000
const exitTimeoutMs = 5_000
/** All workers start this long after the last one is ready, on the shared monotonic clock. */
const startDelayMs = 20

const workerEntry = fileURLToPath(new URL('./worker-process.ts', import.meta.url))

/**
 * Long-lived worker processes (forked once per property, reused by every generated case), each
 * with its own connection per race. Every process is ended on dispose, and ends by itself if this
 * process dies (its IPC channel closes).
 */
export class WorkerPool implements AsyncDisposable {
  readonly #workers: WorkerChannel[]

  private constructor(workers: WorkerChannel[]) {
    this.#workers = workers
  }

  static async start(size: number): Promise<WorkerPool> {
    const loader = import.meta.resolve('tsx')
    const workers = Array.from(
      { length: size },
      () => new WorkerChannel(fork(workerEntry, [], { execArgv: ['--import', loader], stdio: 'inherit' })),
    )
    const pool = new WorkerPool(workers)
    try {
      await Promise.all(workers.map(worker => worker.expect('online', onlineTimeoutMs)))
      return pool
    } catch (error) {
      await pool[Symbol.asyncDispose]()
      throw error
    }
  }

  get size(): number {
    return this.#workers.length
  }

  /**
   * Runs `jobs[i]` on worker i, all starting at the same instant; resolves with each worker's
   * records, in job order.
   */
  async race(jobs: readonly RaceJob[]): Promise<CompletionRecord[][]> {
    if (jobs.length > this.#workers.length) {
      throw new Error(`${jobs.length} jobs for a pool of ${this.#workers.length} workers`)
    }
    const workers = this.#workers.slice(0, jobs.length)
    await Promise.all(
      workers.map((worker, index) => {
        worker.send({ type: 'prepare', job: jobs[index] as RaceJob })
        return worker.expect('ready', raceTimeoutMs)
      }),
    )
    const startAtMs = monotonicMs() + startDelayMs
    const finished = await Promise.all(
      workers.map(worker => {
        worker.send({ type: 'go', startAtMs })
        return worker.expect('done', raceTimeoutMs)
      }),
    )
    return finished.map(message => message.records)
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.#workers.map(worker => worker.stop(exitTimeoutMs)))
  }
}

type Waiter = { resolve(message: FromWorker): void; reject(error: Error): void }

/** One worker process and its messages, read in order; an exit fails whoever is waiting. */
class WorkerChannel {
  readonly #child: ChildProcess
  readonly #inbox: FromWorker[] = []
  readonly #waiters: Waiter[] = []
  #exited: Error | undefined

  constructor(child: ChildProcess) {
    this.#child = child
    child.on('message', (message: FromWorker) => {
      const waiter = this.#waiters.shift()
      if (waiter) waiter.resolve(message)
      else this.#inbox.push(message)
    })
    child.on('exit', (code, signal) => {
      this.#exited = new Error(`worker process ${child.pid} exited (code ${code}, signal ${signal})`)
      for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#exited)
    })
    // 'error' reports a message that could not be sent; the exit handler reports the end.
    child.on('error', () => {})
  }

  send(message: ToWorker): void {
    this.#child.send(message)
  }

  /** The next message, which must be of `type` (a `failed` message becomes the error). */
  async expect<T extends FromWorker['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<FromWorker, { type: T }>> {
    const message = await this.#next(timeoutMs)
    if (message.type === 'failed') throw new Error(`worker process ${this.#child.pid}: ${message.message}`)
    if (message.type !== type)
      throw new Error(`worker process ${this.#child.pid} sent ${message.type}, not ${type}`)
    return message as Extract<FromWorker, { type: T }>
  }

  #next(timeoutMs: number): Promise<FromWorker> {
    const queued = this.#inbox.shift()
    if (queued) return Promise.resolve(queued)
    if (this.#exited) return Promise.reject(this.#exited)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter)
        if (index !== -1) this.#waiters.splice(index, 1)
        reject(new Error(`worker process ${this.#child.pid} sent nothing for ${timeoutMs} ms`))
      }, timeoutMs)
      const waiter: Waiter = {
        resolve: message => {
          clearTimeout(timer)
          resolve(message)
        },
        reject: error => {
          clearTimeout(timer)
          reject(error)
        },
      }
      this.#waiters.push(waiter)
    })
  }

  /** Disconnects (the worker exits on its own), then SIGKILLs it if it is still there after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    const child = this.#child
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
    if (child.connected) child.disconnect()
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    await exited
    clearTimeout(timer)
  }
}
