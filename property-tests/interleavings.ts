import fc from 'fast-check'
import { RedisResultBackend } from '../src/backend/backend.ts'
import type { RedisClient } from '../src/backend/connection.ts'
import type { CompletionRecord } from '../src/history/chord-check.ts'
import { barrierOf, barrierVariants } from './support/barrier-variants.ts'
import { judgeChordRun } from './support/chord-verdict.ts'
import { describeSeen, recordCompletion } from './support/completion.ts'
import type { PropertyDefinition, Variant } from './support/definition.ts'
import { InFlight } from './support/in-flight.ts'
import { propertyNamespace } from './support/redis.ts'
import { scheduledClient } from './support/scheduled-client.ts'
import { describeStored, readStoredChord } from './support/stored-chord.ts'
import {
  clusterPrimaries,
  openPropertyTopology,
  type PropertyTopology,
  type TopologyKind,
} from './support/topology.ts'
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

/** What differs between the topologies the property runs on; the property itself is the same. */
interface InterleavingsSetting {
  id: string
  title: string
  guarantees: string
}

const settings: Readonly<Record<TopologyKind, InterleavingsSetting>> = {
  'single-server': {
    id: 'interleavings',
    title: 'Interleaved round trips, duplicate deliveries and resends',
    guarantees:
      'whatever order the scheduler gives the round trips of 2-4 connections, with tasks delivered 1-3 times and calls resent by the transport: the count every reply reports lies within the distinct tasks delivered so far (and never above total), exactly one call sees isLast and only once every task is in, and the counter, the members hash and the finisher agree with the replies. Commands run one at a time in the chosen order, so races inside one round trip are out of scope (each command is atomic in Redis); true parallelism is the parallel-workers property.',
  },
  cluster: {
    id: 'interleavings-cluster',
    title: 'Interleaved round trips on a Redis Cluster',
    guarantees: `the interleavings property, unchanged in what it checks, against a real ${clusterPrimaries}-primary Redis Cluster (started on loopback, no replicas): each worker drives the barrier through its own ioredis Cluster client, the backend keeps its cluster key layout (every chord key hash-tagged with the chord id, so the barrier touches one slot), and each run's chord has a new id, so the chords land on every primary over the runs. As many runs as on one server: what it adds is that nothing changes when the connections are cluster clients routing each command by slot. Failover and resharding mid-chord are the chaos suite's.`,
  },
}

/**
 * The interleavings property on one topology. Only where the chords live changes: the plans, the
 * scheduling, the invariants and the variants are the same on every topology.
 */
function interleavingsOn(topologyKind: TopologyKind): PropertyDefinition {
  const { id, title, guarantees } = settings[topologyKind]
  return {
    id,
    title,
    guarantees,
    variants: barrierVariants,
    runs: { quick: 100, deep: 2_000 },
    replayable: true,
    timeoutMs: 120_000,
    async open() {
      const topology = await openPropertyTopology(topologyKind)
      const { backend, reader, connections, close } = await openDrivers(topology, propertyNamespace(id))
      const inFlight = new InFlight()
      let runNumber = 0
      return {
        redis: topology.environment,
        property(variant: Variant) {
          const barrier = barrierOf(variant)
          const schedulers = fc.scheduler({ act: inFlight.act })
          return fc.asyncProperty(planArbitrary, fc.integer(), async (plan, scheduleSeed) => {
            const scheduler = freshScheduler(schedulers, scheduleSeed)
            runNumber += 1
            // A new id per run; on a cluster the id is the chord keys' hash tag, so this also
            // spreads the chords over the primaries.
            const chordId = `chord-${runNumber}`
            await backend.chordInit({ chordId, total: plan.total })
            const keys = backend.keys.chord(chordId)
            const trace = new RunTrace(describePlan(plan, variant.name, scheduleSeed))
            const records: CompletionRecord[] = []
            const deliver = (delivery: Delivery) => {
              const caller = `w${delivery.worker} ${deliveryName(delivery)}`
              const client = scheduledClient({
                client: connections[delivery.worker] as RedisClient,
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
        [Symbol.asyncDispose]: close,
      }
    },
  }
}

export const interleavingsProperty: PropertyDefinition = interleavingsOn('single-server')

/** The same property against a Redis Cluster chordlab starts: cluster clients, hash-tagged chord keys. */
export const interleavingsOnClusterProperty: PropertyDefinition = interleavingsOn('cluster')

/** What one open() drives its chords through: the backend, a reader and one connection per worker. */
interface Drivers {
  backend: RedisResultBackend
  /** Reads the chord behind the barrier's back after a run. */
  reader: RedisClient
  /** Worker `w` completes its deliveries on `connections[w]`. */
  connections: RedisClient[]
  /** Closes the connections and the backend, then the topology. */
  close(): Promise<void>
}

/**
 * Opens the backend and the connections on `topology`. When any of it fails, what was opened so
 * far is closed and so is the topology (a cluster's processes are stopped), before the error
 * propagates.
 */
async function openDrivers(topology: PropertyTopology, namespace: string): Promise<Drivers> {
  const clients: RedisClient[] = []
  let backend: RedisResultBackend | undefined
  const close = async () => {
    for (const client of clients) client.disconnect()
    await backend?.close()
    await topology[Symbol.asyncDispose]()
  }
  try {
    backend = new RedisResultBackend(topology.target, { namespace })
    const reader = await topology.openClient()
    clients.push(reader)
    for (let worker = 0; worker < maxWorkers; worker += 1) clients.push(await topology.openClient())
    return { backend, reader, connections: clients.slice(1), close }
  } catch (error) {
    await close()
    throw error
  }
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
