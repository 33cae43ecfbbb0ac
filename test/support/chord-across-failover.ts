import { expect } from 'vitest'
import { type ChordCheck, checkChord } from '../../src/history/chord-check.ts'
import { type BackendOptions, RedisResultBackend, type RedisTarget } from '../../src/index.ts'
import { deliverAll, plannedDeliveries } from '../../src/workloads/chord-race.ts'
import { seededRandom } from '../../src/workloads/random.ts'
import { uniqueId } from './meta.ts'

const workers = 4
const maxRedeliveryRounds = 5

/**
 * One chord driven in two halves around a failover (nothing in flight while it happens), with 30%
 * duplicate deliveries, and every task whose calls all failed delivered again, as an
 * at-least-once queue would.
 */
export interface ChordAcrossFailoverOptions {
  total: number
  /** Seeds the delivery order and the duplicates. */
  seed: number
  /** @default a fresh unique id */
  chordId?: string
  backend?: BackendOptions
}

export class ChordAcrossFailover implements AsyncDisposable {
  readonly chordId: string
  readonly backend: RedisResultBackend
  readonly records: Awaited<ReturnType<typeof deliverAll>> = []
  readonly #total: number
  readonly #deliveries: string[]

  constructor(target: RedisTarget, options: ChordAcrossFailoverOptions) {
    this.chordId = options.chordId ?? uniqueId('failover')
    this.backend = new RedisResultBackend(target, options.backend)
    this.#total = options.total
    this.#deliveries = plannedDeliveries(options.total, 0.3, seededRandom(options.seed))
  }

  async firstHalf(): Promise<void> {
    await this.backend.chordInit({ chordId: this.chordId, total: this.#total })
    await this.#deliver(this.#deliveries.slice(0, this.#deliveries.length / 2))
  }

  async secondHalf(): Promise<void> {
    await this.#deliver(this.#deliveries.slice(this.#deliveries.length / 2))
    for (let round = 0; round < maxRedeliveryRounds; round++) {
      const acknowledged = new Set(
        this.records.flatMap(record => (record.outcome === 'ok' ? [record.taskId] : [])),
      )
      const pending = [...new Set(this.#deliveries)].filter(taskId => !acknowledged.has(taskId))
      if (pending.length === 0) return
      await this.#deliver(pending)
    }
  }

  /** Task ids delivered both before and after the failover. */
  deliveredAcrossFailover(): number {
    const half = this.#deliveries.length / 2
    const before = new Set(this.#deliveries.slice(0, half))
    return new Set(this.#deliveries.slice(half).filter(taskId => before.has(taskId))).size
  }

  /** Judged against the counter as `readCounter` reads it straight from the node that serves it now. */
  async check(readCounter: (counterKey: string) => Promise<string | null>): Promise<ChordCheck> {
    const counter = await readCounter(this.backend.keys.chord(this.chordId).counter)
    return checkChord(this.#total, this.records, Number(counter ?? 0))
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.backend.close()
  }

  async #deliver(taskIds: readonly string[]): Promise<void> {
    const backends = Array.from({ length: workers }, () => this.backend)
    this.records.push(...(await deliverAll(backends, this.chordId, taskIds)))
  }
}

/**
 * The verdicts both failover tests require: the reference chord exact, fired once, complete, with
 * tasks delivered on both sides of the failover; the broken one caught over-counting.
 */
export async function expectExactAndCaught(
  reference: ChordAcrossFailover,
  broken: ChordAcrossFailover,
  total: number,
  readCounter: (counterKey: string) => Promise<string | null>,
): Promise<void> {
  const exact = await reference.check(readCounter)
  expect(exact.violations).toEqual([])
  expect(exact.verdict).toBe('exact')
  expect(exact.firedCount).toBe(1)
  expect(exact.finalCount).toBe(total)
  // Some tasks were delivered on both sides of the failover: their counting survived it.
  expect(reference.deliveredAcrossFailover()).toBeGreaterThan(10)

  const caught = await broken.check(readCounter)
  expect(['duplicate-applied', 'double-fired', 'fired-early']).toContain(caught.verdict)
  expect(caught.firedCount).toBeGreaterThan(1)
}
