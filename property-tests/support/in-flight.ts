import { setImmediate as nextMacrotask } from 'node:timers/promises'

const settleTimeoutMs = 10_000

/**
 * Tracks the Redis round trips a scheduled run has in flight, so the scheduler can release its next
 * task only once the previous one's reply has arrived and every continuation it triggered has run.
 * That makes a scheduled run a deterministic function of the scheduler's choices: the same seed and
 * path replay the same interleaving of round trips, against a real server.
 */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>()

  track<T>(operation: Promise<T>): Promise<T> {
    this.#pending.add(operation)
    const forget = () => this.#pending.delete(operation)
    operation.then(forget, forget)
    return operation
  }

  /** Resolves once nothing is in flight and the microtasks after the last reply have run. */
  async settle(): Promise<void> {
    const deadline = Date.now() + settleTimeoutMs
    for (;;) {
      await nextMacrotask()
      if (this.#pending.size === 0) return
      if (Date.now() > deadline) {
        throw new Error(`${this.#pending.size} Redis command(s) still unanswered after ${settleTimeoutMs} ms`)
      }
      await Promise.allSettled([...this.#pending])
    }
  }

  /** The scheduler's `act`: run the released task, then wait for what it set off. */
  readonly act = async (release: () => Promise<unknown>): Promise<void> => {
    await release()
    await this.settle()
  }
}
