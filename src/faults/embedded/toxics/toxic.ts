import type { ToxicStub } from '../stub.ts'

/** A toxic's attributes as the API shows them: whole numbers, in the units its type documents. */
export type ToxicAttributes = Record<string, number>

/**
 * How one toxic type behaves, written after the real server's `toxics/*.go`. The collection owns
 * the attributes (shared by every connection, changed in place by an update); `pipe` reads them
 * afresh each time it runs.
 */
export interface ToxicType {
  readonly type: string
  /** The attribute names in the order the real server prints them; all are Go int64s. */
  readonly attributeNames: readonly string[]
  /** Capacity of the channel into this toxic: 1024 for latency, 0 (a rendezvous) for the rest. */
  readonly bufferSize: number
  pipe(stub: ToxicStub, attributes: Readonly<ToxicAttributes>, random: () => number): Promise<void>
  /** Runs when the toxic is removed from a live connection (only `timeout` has one: it closes the connection). */
  cleanup?(stub: ToxicStub): void
  /** Fresh per-connection state, kept across restarts of the toxic on that connection. */
  newState?(): unknown
  /** A connection that starts while this toxic is present closes with RST instead of FIN (Go's SetLinger(0)). */
  readonly resetsPeer?: boolean
}

/** An attribute read as the whole number the API stored (a missing one is 0, as Go's zero value). */
export function attribute(attributes: Readonly<ToxicAttributes>, name: string): number {
  return attributes[name] ?? 0
}
