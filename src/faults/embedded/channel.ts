/** A piece of a TCP stream as one socket read delivered it, stamped when it was read. */
export interface Chunk {
  data: Buffer
  /** `performance.now()` when the proxy read it; latency is measured from here. */
  timestamp: number
}

/** What a receiver gets: a chunk, or `null` once the channel is closed and drained (the stream's EOF). */
export type Item = Chunk | null

interface ParkedSender {
  chunk: Chunk
  accepted: () => void
}

/**
 * Go's `chan *StreamChunk`, which the real Toxiproxy joins its toxics with: `send` waits until a
 * receiver or a free buffer slot takes the chunk (capacity 0 is a rendezvous), so a toxic that
 * stops reading pushes back on the one before it, and finally on the socket. `close` is Go's
 * `close(ch)`: buffered chunks are still delivered, then every receive yields `null`, forever.
 */
export class Channel {
  readonly capacity: number
  readonly #buffer: Chunk[] = []
  readonly #senders: ParkedSender[] = []
  readonly #receivers: Array<(item: Item) => void> = []
  #closed = false

  constructor(capacity: number) {
    this.capacity = capacity
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Chunks accepted but not yet received (Go's `len(ch)`). */
  get buffered(): number {
    return this.#buffer.length
  }

  /** Resolves once the chunk is taken or buffered. A chunk sent after close is dropped (Go would panic). */
  send(chunk: Chunk): Promise<void> {
    if (this.#closed) return Promise.resolve()
    const receiver = this.#receivers.shift()
    if (receiver) {
      receiver(chunk)
      return Promise.resolve()
    }
    if (this.#buffer.length < this.capacity) {
      this.#buffer.push(chunk)
      return Promise.resolve()
    }
    return new Promise(accepted => this.#senders.push({ chunk, accepted }))
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    // Nothing can be buffered while receivers wait, so they all get the EOF now.
    for (const receiver of this.#receivers.splice(0)) receiver(null)
  }

  /** The next item without waiting, or `undefined` when none is ready. */
  poll(): Item | undefined {
    const buffered = this.#buffer.shift()
    if (buffered) {
      this.#admitParkedSender()
      return buffered
    }
    const sender = this.#senders.shift()
    if (sender) {
      sender.accepted()
      return sender.chunk
    }
    return this.#closed ? null : undefined
  }

  /**
   * Waits for the next item. `cancel` lets a caller stop waiting (an interrupt, a timer): it
   * returns false when the item was already handed over, so the caller must take it.
   */
  receive(): { item: Promise<Item>; cancel: () => boolean } {
    const ready = this.poll()
    if (ready !== undefined) return { item: Promise.resolve(ready), cancel: () => false }
    let deliver: ((item: Item) => void) | undefined
    const item = new Promise<Item>(resolve => {
      deliver = resolve
    })
    const receiver = (value: Item) => deliver?.(value)
    this.#receivers.push(receiver)
    return {
      item,
      cancel: () => {
        const index = this.#receivers.indexOf(receiver)
        if (index < 0) return false
        this.#receivers.splice(index, 1)
        return true
      },
    }
  }

  #admitParkedSender(): void {
    const sender = this.#senders.shift()
    if (!sender) return
    this.#buffer.push(sender.chunk)
    sender.accepted()
  }
}
