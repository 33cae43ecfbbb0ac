import type { Redis } from 'ioredis'
import type { TaskMeta } from '../src/index.ts'
import type {
  LatencyClaim,
  LatencySuite,
  MemoryClaim,
  OperationLatency,
  SpecSuite,
} from '../src/report/sections/bench-data.ts'
import { type BenchTarget, withTtl } from './bench-target.ts'
import { kilobyteResult, smallResult } from './documents.ts'
import { measureOperation } from './measure-operation.ts'
import { latencyOperations } from './operations.ts'
import type { BenchProfile } from './profiles.ts'

export interface SpecSuiteOptions {
  target: BenchTarget
  profile: BenchProfile
  /** The latency suite's results, when it ran: the claims are judged on its one-at-a-time figures. */
  latency?: LatencySuite
  /** The server is the user's (REDIS_URL): other clients may move used_memory. */
  external: boolean
  progress: (line: string) => void
}

/** The spec's "Throughput" table: every row claims under 1 ms; each maps to the operation that does it here. */
const latencyRows: ReadonlyArray<{ row: string; operation: string }> = [
  { row: 'Store result', operation: 'storeResult (TTL)' },
  { row: 'Get result', operation: 'getResult (hit)' },
  { row: 'Chord increment', operation: 'chordCompleteTask' },
  { row: 'Set expiration', operation: 'setExpiration' },
]
const latencyClaimLimitUs = 1_000

/**
 * A `~` figure is an estimate: it counts as met up to 1.5× the figure. A range counts as met up to
 * its upper end.
 */
const approximateSlack = 1.5
const taskMetadataClaim = { claim: '~500B - 2KB', limitBytes: 2_048 }
const chordStateClaim = { claim: '~200B', limitBytes: 200 * approximateSlack }
const chordCounterClaim = { claim: '~16B', limitBytes: 16 * approximateSlack }

const writeBatch = 1_000
/** Keys whose MEMORY USAGE is averaged. */
const sampledKeys = 10

/** The spec's latency and memory claims, each with what this run measured beside it. */
export async function runSpecSuite(options: SpecSuiteOptions): Promise<SpecSuite> {
  const { latency, source } = await latencyFigures(options)
  options.progress('spec: memory per result, chord state and counter')
  const memory = [
    await resultMemory(options.target, options.profile.spec.memoryKeys, 'small', smallResult),
    await resultMemory(options.target, options.profile.spec.memoryKeys, 'about 1 KB', kilobyteResult),
    ...(await chordMemory(options.target, options.profile.spec.memoryKeys)),
    await membersPerTask(options.target, options.profile.spec.chordTasks),
  ]
  return {
    latency: latencyRows.map(({ row, operation }) => latencyClaim(row, operation, latency)),
    latencySource: source,
    memory,
    memoryNotes: [
      'MEMORY USAGE counts a key, its value and its entry in the keyspace; the used_memory delta also counts the expiry entry (results and chords carry a TTL) and allocator rounding, so it is the figure to plan capacity with.',
      'Chord figures come from deleting each kind of key in turn and reading how much used_memory fell.',
      ...(options.external
        ? ["REDIS_URL server: other clients' writes during the measurement also move used_memory."]
        : []),
    ],
  }
}

async function latencyFigures(
  options: SpecSuiteOptions,
): Promise<{ latency: OperationLatency[]; source: string }> {
  const oneAtATime = options.latency?.operations.filter(operation => operation.concurrency === 1)
  if (oneAtATime !== undefined)
    return { latency: oneAtATime, source: 'the latency suite, one call at a time' }
  const { latencyRounds: rounds, latencyRoundMs: roundMs } = options.profile.spec
  const wanted = new Set(latencyRows.map(row => row.operation))
  const measured: OperationLatency[] = []
  for (const operation of latencyOperations(options.profile.batchSize)) {
    if (!wanted.has(operation.operation)) continue
    options.progress(`spec: latency of ${operation.operation}`)
    measured.push(
      await measureOperation(options.target, operation, {
        rounds,
        roundMs,
        concurrency: 1,
        withoutControls: true,
      }),
    )
  }
  return {
    latency: measured,
    source: `the spec suite's own run (${rounds} × ${roundMs} ms, one call at a time)`,
  }
}

function latencyClaim(row: string, operation: string, latency: readonly OperationLatency[]): LatencyClaim {
  const figures = latency.find(candidate => candidate.operation === operation)?.subject
  if (figures === undefined) throw new Error(`no latency was measured for ${operation}`)
  return {
    row,
    claim: '<1ms',
    operation,
    limitUs: latencyClaimLimitUs,
    concurrency: 1,
    p50Us: figures.us.p50,
    p99Us: figures.us.p99,
    p999Us: figures.us.p999,
    met: figures.us.p99 < latencyClaimLimitUs,
  }
}

async function resultMemory(
  target: BenchTarget,
  count: number,
  size: string,
  document: (taskId: string) => TaskMeta,
): Promise<MemoryClaim> {
  const taskIds = Array.from({ length: count }, () => target.freshId('memory'))
  const keys = taskIds.map(taskId => target.backend.keys.result(taskId))
  const before = await usedMemory(target.setup)
  for (let start = 0; start < count; start += writeBatch) {
    await target.backend.storeResults(taskIds.slice(start, start + writeBatch).map(document), withTtl)
  }
  const after = await usedMemory(target.setup)
  const memoryUsageBytes = await averageMemoryUsage(target.setup, keys)
  const stored = await target.setup.get(keys[0] as string)
  if (stored === null) throw new Error('the results the spec suite just stored are not in Redis')
  const documentBytes = Buffer.byteLength(stored)
  await deleteKeys(target.setup, keys)
  return claim({
    component: 'Task metadata',
    detail: `SUCCESS result, ${size}: ${documentBytes}-byte document, with TTL`,
    ...taskMetadataClaim,
    memoryUsageBytes,
    usedMemoryDeltaBytes: (after - before) / count,
    keys: count,
  })
}

/** Creates `count` chords, then frees state, counter and members keys kind by kind, reading used_memory each time. */
async function chordMemory(target: BenchTarget, count: number): Promise<MemoryClaim[]> {
  const chordIds = Array.from({ length: count }, () => target.freshId('memory-chord'))
  for (let start = 0; start < count; start += writeBatch) {
    await Promise.all(
      chordIds
        .slice(start, start + writeBatch)
        .map(chordId => target.backend.chordInit({ chordId, total: 10, callback: 'tasks.sum' })),
    )
  }
  const chordKeys = chordIds.map(chordId => target.backend.keys.chord(chordId))
  const freed = async (keys: readonly string[]) => {
    const memoryUsageBytes = await averageMemoryUsage(target.setup, keys)
    const before = await usedMemory(target.setup)
    await deleteKeys(target.setup, keys)
    const after = await usedMemory(target.setup)
    return { memoryUsageBytes, usedMemoryDeltaBytes: (before - after) / count }
  }
  const members = await freed(chordKeys.map(keys => keys.members))
  const counter = await freed(chordKeys.map(keys => keys.counter))
  const state = await freed(chordKeys.map(keys => keys.state))
  return [
    claim({
      component: 'Chord state',
      detail: 'ChordState JSON of a 10-task chord with a callback, with TTL',
      ...chordStateClaim,
      ...state,
      keys: count,
    }),
    claim({
      component: 'Chord counter',
      detail: 'integer counter right after chordInit, with TTL',
      ...chordCounterClaim,
      ...counter,
      keys: count,
    }),
    claim({
      component: "Chord members hash (chordlab's own), per chord",
      detail: 'right after chordInit: holds the total only',
      claim: null,
      limitBytes: null,
      ...members,
      keys: count,
    }),
  ]
}

/** The members hash grows by one field per completed task: its cost per task, in a chord of `tasks`. */
async function membersPerTask(target: BenchTarget, tasks: number): Promise<MemoryClaim> {
  const chordId = target.freshId('memory-members')
  await target.backend.chordInit({ chordId, total: tasks })
  const { members } = target.backend.keys.chord(chordId)
  const usageBefore = await memoryUsage(target.setup, members)
  const before = await usedMemory(target.setup)
  for (let start = 0; start < tasks; start += writeBatch) {
    const end = Math.min(start + writeBatch, tasks)
    await Promise.all(
      Array.from({ length: end - start }, (_, offset) =>
        target.backend.chordCompleteTask(chordId, `task-${start + offset}`),
      ),
    )
  }
  const after = await usedMemory(target.setup)
  const usageAfter = await memoryUsage(target.setup, members)
  await target.backend.chordDelete(chordId)
  return claim({
    component: "Chord members hash (chordlab's own), per completed task",
    detail: `a chord of ${tasks} tasks, all completed (task ids like task-123)`,
    claim: null,
    limitBytes: null,
    memoryUsageBytes: (usageAfter - usageBefore) / tasks,
    usedMemoryDeltaBytes: (after - before) / tasks,
    keys: tasks,
  })
}

function claim(figures: Omit<MemoryClaim, 'met'>): MemoryClaim {
  const { limitBytes } = figures
  return {
    ...figures,
    met:
      limitBytes === null
        ? null
        : {
            memoryUsage: figures.memoryUsageBytes <= limitBytes,
            usedMemory: figures.usedMemoryDeltaBytes <= limitBytes,
          },
  }
}

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory')
  const match = /^used_memory:(\d+)\r?$/m.exec(info)
  if (!match?.[1]) throw new Error('INFO memory has no used_memory field')
  return Number(match[1])
}

async function memoryUsage(client: Redis, key: string): Promise<number> {
  // SAMPLES 0: look at every element of an aggregate value, not an estimate from five of them.
  const bytes = await client.memory('USAGE', key, 'SAMPLES', 0)
  if (typeof bytes !== 'number') throw new Error(`MEMORY USAGE found no key ${key}`)
  return bytes
}

async function averageMemoryUsage(client: Redis, keys: readonly string[]): Promise<number> {
  const sample = keys.slice(0, sampledKeys)
  const sizes = await Promise.all(sample.map(key => memoryUsage(client, key)))
  return sizes.reduce((sum, size) => sum + size, 0) / sizes.length
}

async function deleteKeys(client: Redis, keys: readonly string[]): Promise<void> {
  // DEL, not UNLINK: the memory must be free when used_memory is read next.
  for (let start = 0; start < keys.length; start += writeBatch) {
    await client.del(...keys.slice(start, start + writeBatch))
  }
}
