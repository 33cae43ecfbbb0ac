import fc from 'fast-check'
import { RedisResultBackend } from '../src/backend/backend.ts'
import type { CompletionRecord } from '../src/history/chord-check.ts'
import { seededRandom, shuffleInPlace } from '../src/workloads/random.ts'
import { barrierOf, barrierVariants } from './support/barrier-variants.ts'
import { judgeChordRun } from './support/chord-verdict.ts'
import type { Profile, PropertyDefinition, Variant } from './support/definition.ts'
import { openPropertyRedis, openScriptedClient, propertyNamespace } from './support/redis.ts'
import { describeStored, readStoredChord } from './support/stored-chord.ts'
import { assertNoProblems } from './support/violation.ts'
import { WorkerPool } from './support/worker-pool.ts'

/** Sizes per profile: CI stays at a few hundred completions per case. */
const sizes: Record<Profile, { maxWorkers: number; maxTasks: number }> = {
  quick: { maxWorkers: 4, maxTasks: 200 },
  deep: { maxWorkers: 8, maxTasks: 2_000 },
}
/** Completions listed in a counterexample; the rest are summarised. */
const shownCompletions = 40

interface RacePlan {
  tasks: number
  workers: number
  /** Share of tasks delivered more than once, in percent (at least one task always is). */
  duplicatePercent: number
  /** Seeds which tasks are duplicated and the delivery order. */
  seed: number
}

/**
 * The tasks each worker delivers, in order. round(tasks × rate) tasks (at least one) are delivered
 * 2 or 3 times; all deliveries are shuffled and dealt out to the workers in turn.
 */
function deliveriesPerWorker(plan: RacePlan): string[][] {
  const random = seededRandom(plan.seed)
  const taskIds = Array.from({ length: plan.tasks }, (_, index) => `task-${index}`)
  const duplicated = Math.max(1, Math.round((plan.tasks * plan.duplicatePercent) / 100))
  const extra = shuffleInPlace([...taskIds], random)
    .slice(0, duplicated)
    .flatMap(taskId => (random() < 0.5 ? [taskId] : [taskId, taskId]))
  const deliveries = shuffleInPlace([...taskIds, ...extra], random)
  return Array.from({ length: plan.workers }, (_, worker) =>
    deliveries.filter((_, index) => index % plan.workers === worker),
  )
}

export const parallelWorkersProperty: PropertyDefinition = {
  id: 'parallel-workers',
  title: 'Worker processes racing on one chord',
  guarantees:
    'with 2-4 Node worker processes (8 in the deep profile), each on its own connection, completing one chord of 10-200 tasks (2,000 deep) at the same instant with 5-50% of tasks delivered 2-3 times: the same invariants as interleavings, judged on the machine-wide monotonic clock. Real parallelism finds what the scheduler cannot order (two commands in flight at once), but which interleavings occur is up to the machine, so a run is not replayable exactly: the seed replays the plan, not the timing.',
  variants: barrierVariants,
  runs: { quick: 5, deep: 50 },
  replayable: false,
  timeoutMs: 120_000,
  async open(profile) {
    const { maxWorkers, maxTasks } = sizes[profile]
    const redis = await openPropertyRedis()
    const namespace = propertyNamespace('parallel-workers')
    const backend = new RedisResultBackend(redis.url, { namespace })
    const reader = openScriptedClient(redis.url)
    let pool: WorkerPool | undefined
    try {
      pool = await WorkerPool.start(maxWorkers)
    } catch (error) {
      reader.disconnect()
      await backend.close()
      await redis[Symbol.asyncDispose]()
      throw error
    }
    const workers = pool
    const planArbitrary: fc.Arbitrary<RacePlan> = fc.record({
      tasks: fc.integer({ min: 10, max: maxTasks }),
      workers: fc.integer({ min: 2, max: maxWorkers }),
      duplicatePercent: fc.integer({ min: 5, max: 50 }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    })
    let runNumber = 0
    return {
      redis: redis.environment,
      property(variant: Variant) {
        const barrier = barrierOf(variant).name
        return fc.asyncProperty(planArbitrary, async plan => {
          runNumber += 1
          const chordId = `chord-${runNumber}`
          await backend.chordInit({ chordId, total: plan.tasks })
          const perWorker = deliveriesPerWorker(plan)
          const records = fromFirstStart(
            await workers.race(
              perWorker.map(deliveries => ({ url: redis.url, barrier, namespace, chordId, deliveries })),
            ),
          )
          const stored = await readStoredChord(backend, reader, chordId)
          const trace = [
            `barrier ${variant.name}: ${plan.tasks} tasks, ${plan.workers} worker processes, ${plan.duplicatePercent}% of tasks delivered 2-3 times (plan seed ${plan.seed}), ${perWorker.flat().length} deliveries`,
            ...describeCompletions(records),
            describeStored(stored),
          ]
          assertNoProblems(judgeChordRun(plan.tasks, records.flat(), stored), trace)
        })
      },
      async [Symbol.asyncDispose]() {
        await workers[Symbol.asyncDispose]()
        reader.disconnect()
        await backend.close()
        await redis[Symbol.asyncDispose]()
      },
    }
  },
}

/** The workers' records with times in ms since the first call started, for readable traces. */
function fromFirstStart(perWorker: CompletionRecord[][]): CompletionRecord[][] {
  const origin = Math.min(...perWorker.flat().map(record => record.startedAt))
  return perWorker.map(records =>
    records.map(record => ({
      ...record,
      startedAt: record.startedAt - origin,
      endedAt: record.endedAt - origin,
    })),
  )
}

/** Completions in start order: `+0.412 .. +0.803 ms  w1  task-7  -> 3`. */
function describeCompletions(perWorker: readonly CompletionRecord[][]): string[] {
  const all = perWorker.flatMap((records, worker) => records.map(record => ({ worker, record })))
  all.sort((a, b) => a.record.startedAt - b.record.startedAt)
  const lines = all.slice(0, shownCompletions).map(({ worker, record }) => {
    const at = (value: number) => value.toFixed(3).padStart(9)
    const seen =
      record.outcome === 'ok'
        ? `-> ${record.completed}${record.isLast ? ' isLast' : ''}`
        : `-> ${record.outcome}`
    return `  +${at(record.startedAt)} .. +${at(record.endedAt)} ms  w${worker}  ${record.taskId.padEnd(9)} ${seen}`
  })
  const fired = all.filter(({ record }) => record.outcome === 'ok' && record.isLast)
  const firedLines = fired
    .filter(entry => !all.slice(0, shownCompletions).includes(entry))
    .map(
      ({ worker, record }) =>
        `  (later) w${worker} ${record.taskId} reported isLast at +${record.endedAt.toFixed(3)} ms`,
    )
  const omitted =
    all.length > shownCompletions ? [`  … ${all.length - shownCompletions} more completions`] : []
  return [
    'completions in start order (ms since the first call started, on the machine-wide monotonic clock):',
    ...lines,
    ...omitted,
    ...firedLines,
  ]
}
