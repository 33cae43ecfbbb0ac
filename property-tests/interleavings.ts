import fc from 'fast-check'
import type { Redis } from 'ioredis'
import { RedisResultBackend } from '../src/backend/backend.ts'
import type { CompletionRecord } from '../src/history/chord-check.ts'
import { barrierOf, barrierVariants } from './support/barrier-variants.ts'
import { judgeChordRun } from './support/chord-verdict.ts'
import { describeSeen, recordCompletion } from './support/completion.ts'
import type { PropertyDefinition, Variant } from './support/definition.ts'
import { InFlight } from './support/in-flight.ts'
import { openPropertyRedis, openScriptedClient, propertyNamespace } from './support/redis.ts'
import { scheduledClient } from './support/scheduled-client.ts'
import { describeStored, readStoredChord } from './support/stored-chord.ts'
import { RunTrace } from './support/trace.ts'
import { assertNoProblems } from './support/violation.ts'

const maxWorkers = 4
const taskNames = ['t1', 't2', 't3', 't4', 't5'] as const

/** One delivery of a task to a worker; `copy` 2 and 3 are redeliveries of the same task. */
interface Delivery {
  task: string
  worker: number
  copy: number
  /** The connection resets after each of this call's commands ran: every command is sent twice. */
  resend: boolean
}

interface DeliveryPlan {
  total: number
  workers: number
  deliveries: Delivery[]
}

/**
 * A chord of 1-5 tasks, each delivered 1-3 times, spread over 2-4 workers (each its own connection),
 * some calls resent by the transport. Redeliveries come in rounds (every task once, then the second
 * copies, then the third), as redelivery after a visibility timeout would. The parts shrink
 * independently: fewer tasks, fewer copies, worker 0, no resends.
 */
const planArbitrary: fc.Arbitrary<DeliveryPlan> = fc
  .record({
    workers: fc.integer({ min: 2, max: maxWorkers }),
    copies: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: taskNames.length }),
    routes: fc.array(fc.nat({ max: maxWorkers - 1 }), { maxLength: 3 * taskNames.length }),
    resends: fc.array(
      fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
      { maxLength: 3 * taskNames.length },
    ),
  })
  .map(({ workers, copies, routes, resends }) => {
    const deliveries: Delivery[] = []
    for (let copy = 1; copy <= 3; copy += 1) {
      copies.forEach((count, task) => {
        if (count < copy) return
        const index = deliveries.length
        deliveries.push({
          task: taskNames[task] as string,
          worker: (routes[index] ?? index) % workers,
          copy,
          resend: resends[index] ?? false,
        })
      })
    }
    return { total: copies.length, workers, deliveries }
  })

export const interleavingsProperty: PropertyDefinition = {
  id: 'interleavings',
  title: 'Interleaved round trips, duplicate deliveries and resends',
  guarantees:
    'whatever order the scheduler gives the round trips of 2-4 connections, with tasks delivered 1-3 times and calls resent by the transport: the count every reply reports lies within the distinct tasks delivered so far (and never above total), exactly one call sees isLast and only once every task is in, and the counter, the members hash and the finisher agree with the replies. Commands run one at a time in the chosen order, so races inside one round trip are out of scope (each command is atomic in Redis); true parallelism is the parallel-workers property.',
  variants: barrierVariants,
  runs: { quick: 100, deep: 2_000 },
  replayable: true,
  timeoutMs: 120_000,
  async open() {
    const redis = await openPropertyRedis()
    const namespace = propertyNamespace('interleavings')
    const backend = new RedisResultBackend(redis.url, { namespace })
    const reader = openScriptedClient(redis.url)
    const connections = Array.from({ length: maxWorkers }, () => openScriptedClient(redis.url))
    const inFlight = new InFlight()
    let runNumber = 0
    return {
      redis: redis.environment,
      property(variant: Variant) {
        const barrier = barrierOf(variant)
        const schedulers = fc.scheduler({ act: inFlight.act })
        return fc.asyncProperty(planArbitrary, fc.integer(), async (plan, scheduleSeed) => {
          const scheduler = freshScheduler(schedulers, scheduleSeed)
          runNumber += 1
          const chordId = `chord-${runNumber}`
          await backend.chordInit({ chordId, total: plan.total })
          const keys = backend.keys.chord(chordId)
          const trace = new RunTrace(describePlan(plan, variant.name, scheduleSeed))
          const records: CompletionRecord[] = []
          const deliver = (delivery: Delivery) => {
            const caller = `w${delivery.worker} ${deliveryName(delivery)}`
            const client = scheduledClient({
              client: connections[delivery.worker] as Redis,
              scheduler,
              inFlight,
              trace,
              caller,
              keys,
              resend: delivery.resend,
            })
            return recordCompletion(
              delivery.task,
              {
                start: () => trace.event(`${caller}  chordCompleteTask`),
                end: seen => trace.event(`${caller}  ${describeSeen(seen)}`),
              },
              () => barrier.complete(client, keys, delivery.task),
            )
          }
          const workers = Array.from({ length: plan.workers }, async (_, worker) => {
            for (const delivery of plan.deliveries.filter(each => each.worker === worker)) {
              records.push(await deliver(delivery))
            }
          })
          await scheduler.waitFor(Promise.all(workers))
          const stored = await readStoredChord(backend, reader, chordId)
          trace.note(describeStored(stored))
          assertNoProblems(judgeChordRun(plan.total, records, stored), trace.lines)
        })
      },
      async [Symbol.asyncDispose]() {
        for (const connection of [reader, ...connections]) connection.disconnect()
        await backend.close()
        await redis[Symbol.asyncDispose]()
      },
    }
  },
}

/**
 * fast-check's scheduler drawn from its own seed, new for every execution. A scheduler value
 * shared across executions is not enough: its clones share one random source (fast-check 4.10's
 * task selector hands its snapshot out to be consumed), so a case re-run while shrinking, or
 * replayed from its seed and path, could release tasks in another order than the one reported.
 */
function freshScheduler(schedulers: fc.Arbitrary<fc.Scheduler>, seed: number): fc.Scheduler {
  const [scheduler] = fc.sample(schedulers, { seed, numRuns: 1 })
  if (scheduler === undefined) throw new Error('fast-check produced no scheduler')
  return scheduler
}

/** `t2` for a first delivery, `t2#3` for its third. */
function deliveryName(delivery: Delivery): string {
  return delivery.copy > 1 ? `${delivery.task}#${delivery.copy}` : delivery.task
}

function describePlan(plan: DeliveryPlan, barrier: string, scheduleSeed: number): string[] {
  const perWorker = Array.from({ length: plan.workers }, (_, worker) => {
    const queue = plan.deliveries
      .filter(delivery => delivery.worker === worker)
      .map(delivery => `${deliveryName(delivery)}${delivery.resend ? '(resent)' : ''}`)
    return `w${worker}: ${queue.length === 0 ? '-' : queue.join(' ')}`
  })
  return [
    `barrier ${barrier}, chord of ${plan.total} task(s), schedule seed ${scheduleSeed}; each worker's deliveries in order (#2, #3 = redelivery):`,
    `  ${perWorker.join('   ')}`,
    'schedule (one command at a time, in the order the scheduler released them):',
  ]
}
