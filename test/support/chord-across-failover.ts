import { setTimeout as delay } from 'node:timers/promises'
import { expect } from 'vitest'
import { type ChordCheck, type CompletionRecord, checkChord } from '../../src/history/chord-check.ts'
import { type BackendOptions, RedisResultBackend, type RedisTarget } from '../../src/index.ts'
import { deliverAll, plannedDeliveries } from '../../src/workloads/chord-race.ts'
import { seededRandom } from '../../src/workloads/random.ts'
import { uniqueId } from './meta.ts'

const workers = 4
const maxRedeliveryRounds = 5
/** Share of the planned deliveries handed out before or while the failover runs; the rest come after it. */
const inFlightShare = 0.75

/**
 * One chord driven around a failover, with 30% duplicate deliveries, and every task whose calls all
 * failed delivered again at the end, as an at-least-once queue would: either in two halves with
 * nothing in flight while the failover happens (firstHalf, failover, secondHalf), or with calls in
 * flight across it (throughFailover).
 */
export interface ChordAcrossFailoverOptions {
  total: number
  /** Seeds the delivery order and the duplicates. */
  seed: number
  /** @default a fresh unique id */
  chordId?: string
  backend?: BackendOptions
}

/** Bounds of the delivery loop that runs while a failover happens. */
export interface InFlightBounds {
  /** Calls that end before the failover starts. */
  callsBefore: number
  /** Calls that must end, once the failover settled, before the loop stops. */
  callsAfter: number
  /** The loop stops after this many calls in all, settled or not. */
  maxCalls: number
  /** …or after this long. */
  deadlineMs: number
}

/** When the failover ran (`performance.now()`, the clock of the records). */
export interface FailoverWindow {
  startedAt: number
  /** When the old primary was gone for good (the failover's end when it does not say). */
  primaryGoneAt: number
  /** When the failover resolved: the new primary in place. */
  endedAt: number
}

export class ChordAcrossFailover implements AsyncDisposable {
  readonly chordId: string
  readonly backend: RedisResultBackend
  readonly records: CompletionRecord[] = []
  readonly #total: number
  readonly #deliveries: string[]
  #window: FailoverWindow | undefined

  constructor(target: RedisTarget, options: ChordAcrossFailoverOptions) {
    this.chordId = options.chordId ?? uniqueId('failover')
    this.backend = new RedisResultBackend(target, options.backend)
    this.#total = options.total
    this.#deliveries = plannedDeliveries(options.total, 0.3, seededRandom(options.seed))
  }

  async firstHalf(): Promise<void> {
    await this.backend.chordInit({ chordId: this.chordId, total: this.#total })
    await this.#deliver(this.#deliveries.slice(0, this.#deliveries.length / 2))
    this.#window = {
      startedAt: performance.now(),
      primaryGoneAt: Number.POSITIVE_INFINITY,
      endedAt: Number.POSITIVE_INFINITY,
    }
  }

  async secondHalf(): Promise<void> {
    if (this.#window !== undefined) {
      this.#window.endedAt = performance.now()
      this.#window.primaryGoneAt = this.#window.endedAt
    }
    await this.#deliver(this.#deliveries.slice(this.#deliveries.length / 2))
    await this.#redeliverUnacknowledged()
  }

  /**
   * Completes the chord with calls in flight while `failover` runs (started by the first chord
   * that gets there), in numbered phases. Resolves with the failover's outcome and its window.
   */
  async throughFailover<T>(
    failover: SharedFailover<T>,
    bounds: InFlightBounds,
  ): Promise<{ outcome: T; window: FailoverWindow }> {
    // 1. The first deliveries, so that calls are under way when the failover starts.
    await this.backend.chordInit({ chordId: this.chordId, total: this.#total })
    const held = Math.floor(this.#deliveries.length * inFlightShare)
    const loop = new DeliveryLoop(this.#deliveries.slice(0, held))
    const deadline = performance.now() + bounds.deadlineMs
    loop.limit(bounds.maxCalls, deadline)
    const running = Promise.all(
      Array.from({ length: workers }, () => loop.run(this.backend, this.chordId, this.records)),
    )
    // 2. The failover starts once `callsBefore` calls ended; workers go on delivering (first
    //    deliveries, then redeliveries of tasks already delivered, as a queue does) until it
    //    settled, then redeliver from the first delivery on until `callsAfter` more calls ended.
    //    The loop ends on its own then: wait for both.
    await loop.untilEnded(bounds.callsBefore, deadline)
    const settled = failover.start().finally(() => loop.settle(bounds.callsAfter))
    const [failoverResult] = await Promise.allSettled([settled, running])
    if (failoverResult.status === 'rejected') throw failoverResult.reason
    const endedAt = loop.settledAt ?? performance.now()
    this.#window = {
      startedAt: failover.startedAt ?? Number.NEGATIVE_INFINITY,
      primaryGoneAt: failover.primaryGoneAt ?? endedAt,
      endedAt,
    }
    // 3. The deliveries held back, then redeliveries of whatever was never acknowledged.
    await this.#deliver(this.#deliveries.slice(held))
    await this.#redeliverUnacknowledged()
    return { outcome: failoverResult.value, window: this.#window }
  }

  /**
   * Calls that started before the failover began and were answered once the old primary was gone:
   * their reply can only have come from the promoted replica. (Not "after the failover resolved":
   * a client told of the new primary by the first sentinel may finish before all of them agree.)
   */
  callsAcrossFailover(): number {
    const window = this.#window
    if (window === undefined) return 0
    return this.records.filter(
      record =>
        record.outcome === 'ok' &&
        record.startedAt < window.startedAt &&
        record.endedAt > window.primaryGoneAt,
    ).length
  }

  /** Tasks with a call that ended before the failover and another that started after it. */
  deliveredAcrossFailover(): number {
    const window = this.#window
    if (window === undefined) return 0
    const before = new Set(
      this.records.flatMap(record => (record.endedAt <= window.startedAt ? [record.taskId] : [])),
    )
    return new Set(
      this.records.flatMap(record =>
        record.startedAt >= window.endedAt && before.has(record.taskId) ? [record.taskId] : [],
      ),
    ).size
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

  async #redeliverUnacknowledged(): Promise<void> {
    for (let round = 0; round < maxRedeliveryRounds; round++) {
      const acknowledged = new Set(
        this.records.flatMap(record => (record.outcome === 'ok' ? [record.taskId] : [])),
      )
      const pending = [...new Set(this.#deliveries)].filter(taskId => !acknowledged.has(taskId))
      if (pending.length === 0) return
      await this.#deliver(pending)
    }
  }
}

/** What a failover run reports as it goes (`performance.now()`, the clock of the records). */
export interface FailoverMarks {
  /** The instant the failover begins (right before a SIGKILL); without it, it counts from the start. */
  began(): void
  /** The old primary is gone for good (its process has exited): no reply can come from it any more. */
  primaryGone(): void
}

/** One failover several chords run through: the first that asks starts it. */
export class SharedFailover<T> {
  startedAt: number | undefined
  primaryGoneAt: number | undefined
  readonly #run: (marks: FailoverMarks) => Promise<T>
  #running: Promise<T> | undefined

  constructor(run: (marks: FailoverMarks) => Promise<T>) {
    this.#run = run
  }

  start(): Promise<T> {
    if (this.#running === undefined) {
      this.startedAt = performance.now()
      this.#running = this.#run({
        began: () => {
          this.startedAt = performance.now()
        },
        primaryGone: () => {
          this.primaryGoneAt = performance.now()
        },
      })
    }
    return this.#running
  }
}

/**
 * Hands out `deliveries` in order, then redeliveries of them from the start again, to workers
 * that run until stopped: once the failover settled and enough calls ended after it, or the
 * bounds are reached.
 */
class DeliveryLoop {
  readonly #deliveries: readonly string[]
  #next = 0
  #ended = 0
  #stopAt = Number.POSITIVE_INFINITY
  #deadline = Number.POSITIVE_INFINITY
  settledAt: number | undefined

  constructor(deliveries: readonly string[]) {
    this.#deliveries = deliveries
  }

  async run(worker: RedisResultBackend, chordId: string, records: CompletionRecord[]): Promise<void> {
    while (this.#ended < this.#stopAt && performance.now() < this.#deadline) {
      const taskId = this.#deliveries[this.#next % this.#deliveries.length] as string
      this.#next += 1
      records.push(...(await deliverAll([worker], chordId, [taskId])))
      this.#ended += 1
    }
  }

  /** Resolves once `calls` calls ended in all (or the deadline passed). */
  async untilEnded(calls: number, deadline: number): Promise<void> {
    while (this.#ended < calls && performance.now() < deadline) await delay(1)
  }

  /** At most `maxCalls` calls, until `deadline`. */
  limit(maxCalls: number, deadline: number): void {
    this.#stopAt = Math.min(this.#stopAt, maxCalls)
    this.#deadline = deadline
  }

  /**
   * The failover settled: `callsAfter` more calls, from the first delivery on again (a queue
   * redelivers what was handed out before a failover it cannot tell the outcome of), then stop.
   */
  settle(callsAfter: number): void {
    this.settledAt = performance.now()
    this.#next = 0
    this.#stopAt = Math.min(this.#stopAt, this.#ended + callsAfter)
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
