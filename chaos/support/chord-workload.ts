import { randomBytes } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { RedisResultBackend } from '../../src/backend/backend.ts'
import type { BarrierName } from '../../src/backend/barrier/index.ts'
import { type ConnectionOptions, SharedConnection } from '../../src/backend/connection.ts'
import { type RedisTarget, resolveTarget } from '../../src/backend/target.ts'
import type { ChordProgress } from '../../src/backend/types.ts'
import {
  type ChordCheck,
  checkChordHistory,
  completionRecords,
  type FinalChordState,
} from '../../src/history/chord-check.ts'
import { OperationHistory, type Outcome } from '../../src/history/operation-history.ts'
import { median } from '../../src/measure/percentiles.ts'
import { seededRandom, shuffleInPlace } from '../../src/workloads/random.ts'
import { classifyBackendError, worthRedelivering } from './backend-errors.ts'
import { timedOut, withinDeadline } from './deadline.ts'

export interface ChordWorkloadOptions {
  /** Where the workers connect: through the proxy, usually; a cluster or Sentinel target for failovers. */
  workerUrl: RedisTarget
  /**
   * Where the chord is created and its final state read: straight to Redis, past every fault. The
   * finishing task is read from a URL only (a cluster or Sentinel target reports none).
   */
  verifyUrl: RedisTarget
  barrier: BarrierName
  total: number
  /** Each worker is one backend, one connection. */
  workers: number
  /** Share of tasks delivered twice (at-least-once delivery), on top of fault-driven redeliveries. */
  duplicateRate: number
  /** Seeds the delivery order and the duplicates. */
  seed: number
  /** The workers' connection settings: a short command timeout turns lost replies into `unknown` quickly. */
  connection: ConnectionOptions & { waitReplicas?: number; waitTimeoutMs?: number }
  /** A delivery whose call failed or ended unknown is redelivered up to this many times in all. @default 40 */
  maxAttempts?: number
  /** Pause before a redelivery. @default 50 */
  redeliveryDelayMs?: number
  /** Runs once, alongside the workers, when this share of the deliveries has been handed out. */
  fault?: { atFraction: number; inject: (history: OperationHistory<ChordProgress>) => Promise<void> }
  /**
   * Once the fault is injected, workers go on delivering after the planned deliveries ran out:
   * redeliveries from the first delivery on, as a queue redelivers what it cannot tell the outcome
   * of, until the fault's promise settled and `callsAfter` more calls ended (or `maxCalls` calls
   * ended in all, or the deadline passed). Keeps calls in flight for the whole of a fault that
   * outlasts the chord. @default undefined (the workers stop when the planned deliveries ran out)
   */
  keepDeliveringUntilFaultSettles?: { callsAfter: number; maxCalls: number }
  /** Workers still busy after this long are reported as hung and disconnected. */
  deadlineMs: number
}

export interface ChordWorkloadResult {
  check: ChordCheck
  final: FinalChordState
  operations: Record<Outcome, number>
  errorKinds: Record<string, number>
  /** Calls still waiting for a reply when the deadline passed. */
  hung: number
  durationMs: number
  medianLatencyMs: number | null
  /** The fastest acknowledged call. */
  minLatencyMs: number | null
  /** When the fault ran, ms after the workload started: [injected, healed]. */
  faultWindow: [number, number] | null
  /** Calls that were in flight at some moment of the fault window; null without a fault. */
  callsDuringFault: number | null
  faultError: string | null
  history: OperationHistory<ChordProgress>
}

const closeTimeoutMs = 2_000

/**
 * One chord completed by several workers under at-least-once delivery while a fault strikes:
 * every call is recorded (start, end, ok / fail / unknown), a call that did not succeed is
 * redelivered, and at the end the chord is read straight from Redis and judged against the
 * history.
 */
export async function runChordWorkload(options: ChordWorkloadOptions): Promise<ChordWorkloadResult> {
  const random = seededRandom(options.seed)
  const namespace = `chordlab-chaos-${randomBytes(4).toString('hex')}:`
  const chordId = `chaos-${options.barrier}`
  const deliveries = plannedDeliveries(options.total, options.duplicateRate, random)
  const verifier = new RedisResultBackend(options.verifyUrl, { namespace, barrier: options.barrier })
  const workers = Array.from(
    { length: options.workers },
    () =>
      new RedisResultBackend(options.workerUrl, {
        namespace,
        barrier: options.barrier,
        ...options.connection,
      }),
  )
  const history = new OperationHistory<ChordProgress>(classifyBackendError)
  const maxAttempts = options.maxAttempts ?? 40
  const redeliveryDelayMs = options.redeliveryDelayMs ?? 50
  let stopped = false
  let faultRun: Promise<void> = Promise.resolve()
  let faultWindow: [number, number] | null = null
  let faultError: string | null = null
  const faultAt = Math.ceil((options.fault?.atFraction ?? 0) * deliveries.length)
  const keepDelivering = options.keepDeliveringUntilFaultSettles
  let faultInjected = false
  let callsEnded = 0
  let stopAfterCalls = Number.POSITIVE_INFINITY
  const faultSettled = () => {
    stopAfterCalls = callsEnded + (keepDelivering?.callsAfter ?? 0)
  }
  let handedOut = 0
  /** The next planned delivery; past the plan, a redelivery while the fault keeps the workers going. */
  const nextDelivery = (): string | undefined => {
    const index = handedOut
    if (index >= deliveries.length) {
      const keepGoing =
        keepDelivering !== undefined &&
        faultInjected &&
        callsEnded < stopAfterCalls &&
        callsEnded < keepDelivering.maxCalls
      if (!keepGoing) return undefined
    }
    handedOut += 1
    return deliveries[index % deliveries.length]
  }

  try {
    await verifier.chordInit({ chordId, total: options.total })
    const started = performance.now()
    const work = async (worker: RedisResultBackend, name: string) => {
      for (let taskId = nextDelivery(); !stopped && taskId !== undefined; taskId = nextDelivery()) {
        if (options.fault && handedOut === Math.max(1, faultAt)) {
          const { inject } = options.fault
          const injected = performance.now() - started
          faultInjected = true
          faultRun = inject(history).then(
            () => {
              faultWindow = [injected, performance.now() - started]
              faultSettled()
            },
            (error: unknown) => {
              faultError = error instanceof Error ? error.message : String(error)
              faultSettled()
            },
          )
        }
        for (let attempt = 1; attempt <= maxAttempts && !stopped; attempt++) {
          const record = await history.record(name, taskId, () => worker.chordCompleteTask(chordId, taskId))
          callsEnded += 1
          if (record.outcome === 'ok' || !worthRedelivering(record.errorKind)) break
          await delay(redeliveryDelayMs)
        }
      }
    }
    const finished = await withinDeadline(
      Promise.all(workers.map((worker, index) => work(worker, `worker-${index}`))).then(() => faultRun),
      options.deadlineMs,
    )
    const durationMs = performance.now() - started
    const hung = finished === timedOut ? history.pending().length : 0
    stopped = true
    const final = await readFinalState(options.verifyUrl, verifier, chordId)
    const records = history.records
    const window = faultWindow as [number, number] | null
    const callsDuringFault =
      window === null
        ? null
        : records.filter(
            record => record.startedAt - started <= window[1] && record.endedAt - started >= window[0],
          ).length
    const okDurations = records.flatMap(record =>
      record.outcome === 'ok' ? [record.endedAt - record.startedAt] : [],
    )
    return {
      check: checkChordHistory(options.total, completionRecords(records), final),
      final,
      operations: history.counts(),
      errorKinds: history.errorKinds(),
      hung,
      durationMs,
      medianLatencyMs: okDurations.length === 0 ? null : median(okDurations),
      minLatencyMs: okDurations.length === 0 ? null : Math.min(...okDurations),
      faultWindow: window,
      callsDuringFault,
      faultError,
      history,
    }
  } finally {
    stopped = true
    await withinDeadline(Promise.all(workers.map(worker => worker.close())), closeTimeoutMs)
    await verifier.chordDelete(chordId).catch(() => false)
    await verifier.close()
  }
}

/** Every task once, a share of them twice, in a seeded random order. */
function plannedDeliveries(total: number, duplicateRate: number, random: () => number): string[] {
  const taskIds = Array.from({ length: total }, (_, index) => `task-${index}`)
  const duplicates = taskIds.filter(() => random() < duplicateRate)
  return shuffleInPlace([...taskIds, ...duplicates], random)
}

/**
 * The chord as Redis holds it: its counter, and the finishing task the reference barrier wrote
 * in the members hash (field ' finisher' = '<task id> <call token>', see lua/chordComplete-2.lua).
 */
async function readFinalState(
  verifyUrl: RedisTarget,
  verifier: RedisResultBackend,
  chordId: string,
): Promise<FinalChordState> {
  const state = await verifier.chordGetState(chordId)
  if (state === null) return { exists: false, count: 0, finisherTaskId: null }
  // Its own connection (one server, cluster or Sentinel group alike) that gives up at once.
  const connection = new SharedConnection(resolveTarget(verifyUrl, undefined), { maxRetriesPerRequest: 1 })
  try {
    const finisher = await connection.client.hget(verifier.keys.chord(chordId).members, ' finisher')
    return { exists: true, count: state.completed, finisherTaskId: finisher?.split(' ')[0] ?? null }
  } finally {
    await connection.release()
  }
}
