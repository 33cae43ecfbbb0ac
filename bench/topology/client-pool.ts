import { fileURLToPath } from 'node:url'
import { type ForkedWorker, forkWorker } from '../support/forked-worker.ts'
import type {
  ArmKey,
  ClientRound,
  PreparedRound,
  TargetSpec,
  WorkerRequest,
  WorkloadSettings,
} from './worker-protocol.ts'

const clientEntry = fileURLToPath(new URL('./client-process.ts', import.meta.url))

/** tsx's loader in a fork takes seconds on a busy machine; a round is bounded by its time plus this. */
const openTimeoutMs = 60_000
const requestSlackMs = 60_000

/**
 * The forked client processes of a sweep: started once, connected to every target, then asked
 * for round after round. A pass with fewer processes than the pool uses the first ones.
 */
export class ClientPool implements AsyncDisposable {
  readonly #workers: ReadonlyArray<ForkedWorker<WorkerRequest>>

  private constructor(workers: ReadonlyArray<ForkedWorker<WorkerRequest>>) {
    this.#workers = workers
  }

  static async start(size: number, targets: TargetSpec[], settings: WorkloadSettings): Promise<ClientPool> {
    const workers = Array.from({ length: size }, (_, index) =>
      forkWorker<WorkerRequest>(clientEntry, `topology client ${index}`),
    )
    const pool = new ClientPool(workers)
    try {
      await Promise.all(
        workers.map((worker, index) =>
          worker.request<null>({ type: 'open', worker: index, targets, settings }, openTimeoutMs),
        ),
      )
      return pool
    } catch (error) {
      pool.stop()
      throw error
    }
  }

  get size(): number {
    return this.#workers.length
  }

  /** Untimed set-up of the next round in the first `processes` processes; the keys that count it. */
  async prepare(arm: ArmKey, processes: number): Promise<string[]> {
    const prepared = await Promise.all(
      this.#use(processes).map(worker =>
        worker.request<PreparedRound>({ type: 'prepare', arm }, requestSlackMs),
      ),
    )
    return prepared.flatMap(round => round.counterKeys)
  }

  /** The timed round, in the first `processes` processes at once. */
  run(arm: ArmKey, processes: number, timeMs: number): Promise<ClientRound[]> {
    return Promise.all(
      this.#use(processes).map(worker =>
        worker.request<ClientRound>({ type: 'run', arm, timeMs }, timeMs + requestSlackMs),
      ),
    )
  }

  /** Closes every process's connections (QUIT), then ends the processes, also those that did not answer. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#workers.map(worker => worker.request<null>({ type: 'close' }, 10_000)))
    this.stop()
  }

  stop(): void {
    for (const worker of this.#workers) worker.stop()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #use(processes: number): ReadonlyArray<ForkedWorker<WorkerRequest>> {
    if (processes > this.#workers.length)
      throw new RangeError(`${processes} processes from a pool of ${this.#workers.length}`)
    return this.#workers.slice(0, processes)
  }
}
