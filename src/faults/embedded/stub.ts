import type { Channel, Chunk, Item } from './channel.ts'

/** What `ToxicStub.next` yields besides an item. */
export const interrupted = Symbol('interrupted')
export const timedOut = Symbol('timed out')

/** Longer delays overflow Node's timer (it would fire after 1 ms), so they count as "forever". */
const maxTimerMs = 2 ** 31 - 1

/**
 * One toxic's place in one link (one connection, one direction): its input and output channels,
 * its per-connection state, and the interrupt that lets the collection swap toxics on a live
 * connection. Mirrors Go's `ToxicStub`: an interrupt is only noticed where the toxic waits
 * (`next`, `sleep`), never in the middle of a `send`, and `interrupt()` returns once the running
 * toxic has returned.
 */
export class ToxicStub {
  input: Channel
  output: Channel
  /** Per-connection state of a stateful toxic (limit_data counts bytes here across restarts). */
  state: unknown
  #closed = false
  #interruptRequested = false
  #wake: (() => void) | undefined
  #running: Promise<void> = Promise.resolve()

  constructor(input: Channel, output: Channel) {
    this.input = input
    this.output = output
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Starts `pipe` on this stub; a pipe that throws closes the stub rather than hanging the link. */
  run(pipe: (stub: ToxicStub) => Promise<void>): void {
    this.#interruptRequested = false
    this.#running = pipe(this).catch(() => this.close())
  }

  /** Go's InterruptToxic: false when the stub is already closed, else true once the pipe returned. */
  async interrupt(): Promise<boolean> {
    if (this.#closed) return false
    this.#interruptRequested = true
    this.#wake?.()
    await this.#running
    return true
  }

  /** The next item from the input, or `interrupted`. */
  next(): Promise<Item | typeof interrupted> {
    return this.#receive(undefined) as Promise<Item | typeof interrupted>
  }

  /** Like `next`, but `timedOut` when nothing arrives within `timeoutMs`. */
  nextWithin(timeoutMs: number): Promise<Item | typeof interrupted | typeof timedOut> {
    return this.#receive(timeoutMs)
  }

  /** Waits `ms` (forever when not finite), or less if interrupted. Node timers round up to 1 ms. */
  async sleep(ms: number): Promise<'elapsed' | typeof interrupted> {
    if (this.#interruptRequested) return interrupted
    if (ms <= 0) return 'elapsed'
    let timer: NodeJS.Timeout | undefined
    try {
      return await new Promise(resolve => {
        this.#wake = () => resolve(interrupted)
        if (ms <= maxTimerMs) timer = setTimeout(() => resolve('elapsed'), ms)
      })
    } finally {
      clearTimeout(timer)
      this.#wake = undefined
    }
  }

  send(chunk: Chunk): Promise<void> {
    return this.output.send(chunk)
  }

  async #receive(timeoutMs: number | undefined): Promise<Item | typeof interrupted | typeof timedOut> {
    if (this.#interruptRequested) return interrupted
    const receiving = this.input.receive()
    let timer: NodeJS.Timeout | undefined
    const stop = new Promise<typeof interrupted | typeof timedOut>(resolve => {
      this.#wake = () => resolve(interrupted)
      if (timeoutMs !== undefined) timer = setTimeout(() => resolve(timedOut), timeoutMs)
    })
    try {
      const first = await Promise.race([receiving.item, stop])
      if (first !== interrupted && first !== timedOut) return first
      // The item may have been handed over in the same turn: then it must not be dropped.
      return receiving.cancel() ? first : await receiving.item
    } finally {
      clearTimeout(timer)
      this.#wake = undefined
    }
  }

  /** Ends this direction: the output closes, so EOF travels on to the socket writer. */
  close(): void {
    this.#closed = true
    this.output.close()
  }
}
