import type { Socket } from 'node:net'
import { apiErrors } from './api-error.ts'
import { asObject, integerField, type JsonObject, numberField, stringField } from './json-body.ts'
import { ToxicLink } from './link.ts'
import { type Direction, type ToxicEntry, toxicJson } from './toxic-entry.ts'
import { type ToxicAttributes, toxicTypes } from './toxics/index.ts'

const directions: readonly Direction[] = ['upstream', 'downstream']

/**
 * The toxics of one proxy, per direction, and the live links they act on (Go's
 * `ToxicCollection`). Changes are applied one at a time; each first changes the chain (so a
 * connection opened meanwhile already sees it), then every live link.
 */
export class ToxicCollection {
  readonly #chains: Record<Direction, ToxicEntry[]> = { upstream: [], downstream: [] }
  readonly #links: Record<Direction, Set<ToxicLink>> = { upstream: new Set(), downstream: new Set() }
  readonly #random: () => number
  #queue: Promise<unknown> = Promise.resolve()

  constructor(random: () => number) {
    this.#random = random
  }

  /** Upstream toxics first, then downstream, each in the order they were added. */
  list(): ToxicEntry[] {
    return [...this.#chains.upstream, ...this.#chains.downstream]
  }

  json(): Array<Record<string, unknown>> {
    return this.list().map(toxicJson)
  }

  get(name: string): ToxicEntry {
    const entry = this.list().find(candidate => candidate.name === name)
    if (!entry) throw apiErrors.toxicNotFound()
    return entry
  }

  /** True when a connection opened now should close with RST (a reset_peer toxic is present). */
  get resetsPeer(): boolean {
    return this.list().some(entry => entry.toxic.resetsPeer === true)
  }

  /** Creates a toxic from a request body, with the real server's defaults and checks, in its order. */
  add(body: unknown): Promise<ToxicEntry> {
    return this.#serialised(async () => {
      const fields = asObject(body, 'toxics.ToxicWrapper')
      const stream = stringField(fields, 'stream', 'downstream', 'ToxicWrapper')
      const direction = stream.toLowerCase()
      if (direction !== 'upstream' && direction !== 'downstream') throw apiErrors.invalidStream()
      const typeName = stringField(fields, 'type', '', 'ToxicWrapper')
      const name = stringField(fields, 'name', '', 'ToxicWrapper') || `${typeName}_${stream}`
      const toxicity = numberField(fields, 'toxicity', 1, 'ToxicWrapper')
      const toxic = toxicTypes.get(typeName)
      if (!toxic) throw apiErrors.invalidToxicType()
      if (this.list().some(entry => entry.name === name)) throw apiErrors.toxicExists()
      const attributes = decodeAttributes(fields.attributes, toxic.attributeNames, {})
      const entry: ToxicEntry = { name, toxic, stream, direction, toxicity, attributes }
      this.#chains[direction].push(entry)
      for (const link of [...this.#links[direction]]) await link.addToxic(entry)
      return entry
    })
  }

  /** Merges `attributes` and `toxicity` into the toxic; name, type and stream cannot change. */
  update(name: string, body: unknown): Promise<ToxicEntry> {
    return this.#serialised(async () => {
      const entry = this.get(name)
      const fields = asObject(body, 'toxics.ToxicWrapper')
      const toxicity = numberField(fields, 'toxicity', entry.toxicity, 'ToxicWrapper')
      const attributes = decodeAttributes(fields.attributes, entry.toxic.attributeNames, entry.attributes)
      Object.assign(entry.attributes, attributes)
      entry.toxicity = toxicity
      for (const link of [...this.#links[entry.direction]]) await link.updateToxic(entry)
      return entry
    })
  }

  remove(name: string): Promise<void> {
    return this.#serialised(async () => this.#remove(this.get(name)))
  }

  removeAll(): Promise<void> {
    return this.#serialised(async () => {
      for (const entry of this.list()) await this.#remove(entry)
    })
  }

  /** Starts both links of a new connection with the chains as they are now. */
  startLinks(client: Socket, upstream: Socket, close: (socket: Socket) => void): Promise<void> {
    const started = directions.map(direction => {
      const link = new ToxicLink(direction, this.#chains[direction], this.#random)
      this.#links[direction].add(link)
      const [source, dest] = direction === 'upstream' ? [client, upstream] : [upstream, client]
      link.start(source, dest, () => close(dest))
      return link.finished.then(() => {
        this.#links[direction].delete(link)
      })
    })
    return Promise.all(started).then(() => undefined)
  }

  async #remove(entry: ToxicEntry): Promise<void> {
    const chain = this.#chains[entry.direction]
    chain.splice(chain.indexOf(entry), 1)
    for (const link of [...this.#links[entry.direction]]) await link.removeToxic(entry)
  }

  #serialised<T>(change: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(change)
    this.#queue = result.catch(() => undefined)
    return result
  }
}

/** Decodes an `attributes` object into whole numbers over `base`; absent keys keep their value. */
function decodeAttributes(
  value: unknown,
  names: readonly string[],
  base: Readonly<ToxicAttributes>,
): ToxicAttributes {
  const fields: JsonObject = value === undefined ? {} : asObject(value, 'toxics.Toxic')
  const attributes: ToxicAttributes = {}
  for (const name of names) attributes[name] = integerField(fields, name, base[name] ?? 0, 'Toxic')
  return attributes
}
