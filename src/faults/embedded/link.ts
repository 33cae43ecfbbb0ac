import type { Socket } from 'node:net'
import { Channel, type Item } from './channel.ts'
import { ToxicStub } from './stub.ts'
import type { Direction, ToxicEntry } from './toxic-entry.ts'
import { noopToxic } from './toxics/index.ts'

interface LinkStage {
  stub: ToxicStub
  /** Undefined for the hidden noop at the head of every chain. */
  entry: ToxicEntry | undefined
}

/**
 * One direction of one proxied connection: socket reader -> noop -> toxic -> … -> socket writer,
 * joined by channels (Go's `ToxicLink`). Toxics can be added, updated and removed while bytes
 * flow; each change interrupts only the stubs it rewires, and no chunk is dropped on the way.
 */
export class ToxicLink {
  readonly direction: Direction
  readonly #stages: LinkStage[]
  readonly #input: Channel
  readonly #output: Channel
  readonly #random: () => number
  /** Resolves when the writer has passed on the EOF and closed its destination. */
  readonly finished: Promise<void>
  #finish: () => void = () => {}

  constructor(direction: Direction, chain: readonly ToxicEntry[], random: () => number) {
    this.direction = direction
    this.#random = random
    this.finished = new Promise(resolve => {
      this.#finish = resolve
    })
    this.#input = new Channel(0)
    let last = this.#input
    const entries: Array<ToxicEntry | undefined> = [undefined, ...chain]
    this.#stages = entries.map((entry, index) => {
      const nextEntry = entries[index + 1]
      const next = new Channel(nextEntry === undefined ? 0 : nextEntry.toxic.bufferSize)
      const stub = new ToxicStub(last, next)
      last = next
      return { stub, entry }
    })
    this.#output = last
  }

  /** Starts reading `source`, running the chain, and writing to `dest`; `closeDest` ends `dest` (FIN or RST). */
  start(source: Socket, dest: Socket, closeDest: () => void): void {
    this.#read(source)
    for (const stage of this.#stages) {
      stage.stub.state = stage.entry?.toxic.newState?.()
      this.#run(stage)
    }
    void this.#write(dest, closeDest)
  }

  /** Appends a toxic: the last stub is interrupted, re-pointed at the new one, and both run. */
  async addToxic(entry: ToxicEntry): Promise<void> {
    const last = this.#stages.at(-1) as LinkStage
    const input = new Channel(entry.toxic.bufferSize)
    const stage: LinkStage = { stub: new ToxicStub(input, last.stub.output), entry }
    this.#stages.push(stage)
    if (await last.stub.interrupt()) {
      last.stub.output = input
      stage.stub.state = entry.toxic.newState?.()
      this.#run(stage)
      this.#run(last)
    } else {
      // The link is already closing; its real output is closed, so close the new stub on its own.
      stage.stub.output = input
      stage.stub.close()
    }
  }

  /** Restarts the toxic's stub so it reads the new attributes; like Go, the toxicity is rolled again. */
  async updateToxic(entry: ToxicEntry): Promise<void> {
    const stage = this.#stages.find(candidate => candidate.entry === entry)
    if (stage && (await stage.stub.interrupt())) this.#run(stage)
  }

  /**
   * Takes a toxic out of the chain (Go's RemoveToxic).
   * Phase 1: stop it; a toxic with `cleanup` (timeout) closes the connection instead.
   * Phase 2: interrupt the stub before it, forwarding whatever that stub was still sending.
   * Phase 3: flush what the removed toxic had buffered, re-point the previous stub, restart it.
   */
  async removeToxic(entry: ToxicEntry): Promise<void> {
    const index = this.#stages.findIndex(candidate => candidate.entry === entry)
    const stage = this.#stages[index]
    const previous = this.#stages[index - 1]
    if (stage === undefined || previous === undefined) return
    // Phase 1
    if (!(await stage.stub.interrupt())) {
      this.#stages.splice(index, 1)
      return
    }
    entry.toxic.cleanup?.(stage.stub)
    if (stage.stub.closed) return
    // Phase 2
    const { stub } = stage
    let previousResult: boolean | undefined
    const previousStopped = previous.stub.interrupt().then(result => {
      previousResult = result
    })
    while (previousResult !== true) {
      const item = await this.#receiveUnless(
        stub.input,
        previousResult === undefined ? previousStopped : undefined,
      )
      if (item === undefined) continue
      if (item === null) {
        stub.close()
        await previousStopped
        return
      }
      await stub.output.send(item)
    }
    // Phase 3
    for (let item = stub.input.poll(); item !== undefined; item = stub.input.poll()) {
      if (item === null) {
        stub.close()
        return
      }
      await stub.output.send(item)
    }
    previous.stub.output = stub.output
    this.#stages.splice(index, 1)
    this.#run(previous)
  }

  /** The next item on `channel`, or undefined when `until` settles first (and nothing was handed over). */
  async #receiveUnless(channel: Channel, until: Promise<void> | undefined): Promise<Item | undefined> {
    const receiving = channel.receive()
    if (until === undefined) return receiving.item
    const first = await Promise.race([receiving.item, until.then(() => undefined)])
    if (first !== undefined) return first
    return receiving.cancel() ? undefined : receiving.item
  }

  #run({ stub, entry }: LinkStage): void {
    if (entry === undefined || !(this.#random() < entry.toxicity)) {
      stub.run(current => noopToxic.pipe(current, {}, this.#random))
      return
    }
    stub.run(current => entry.toxic.pipe(current, entry.attributes, this.#random))
  }

  /** Each socket read becomes one chunk; the socket pauses until the chain takes it (back-pressure). */
  #read(source: Socket): void {
    const end = () => this.#input.close()
    source.on('data', (data: Buffer) => {
      source.pause()
      void this.#input.send({ data, timestamp: performance.now() }).then(() => source.resume())
    })
    source.once('end', end)
    source.once('close', end)
  }

  /** Writes what leaves the chain; at EOF closes the destination. Keeps draining if it died first. */
  async #write(dest: Socket, closeDest: () => void): Promise<void> {
    for (;;) {
      const item = await this.#output.receive().item
      if (item === null) break
      if (dest.destroyed) continue
      if (!dest.write(item.data)) await drained(dest)
    }
    closeDest()
    this.#finish()
  }
}

function drained(socket: Socket): Promise<void> {
  return new Promise(resolve => {
    const done = () => {
      socket.off('drain', done)
      socket.off('close', done)
      resolve()
    }
    socket.on('drain', done)
    socket.on('close', done)
  })
}
