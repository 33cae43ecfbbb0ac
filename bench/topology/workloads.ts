import { Redis } from 'ioredis'
import { RedisResultBackend } from '../../src/backend/backend.ts'
import { encodeTaskMeta } from '../../src/backend/codec.ts'
import type { TopologyOperation } from '../../src/report/sections/topology-data.ts'
import { benchTtlSeconds, endlessChordTotal, withTtl } from '../bench-target.ts'
import { kilobyteResult, withTaskId } from '../documents.ts'
import type { TargetSpec, WorkloadSettings } from './worker-protocol.ts'

/** One operation on one target, as a client process drives it. */
export interface ArmWorkload {
  /** Untimed: clears the previous round's chords or keys and sets up fresh ones; returns the keys that count the round. */
  prepare(): Promise<string[]>
  /** One call; resolves with the units it did (results stored, new tasks completed). */
  step(): Promise<number>
  inFlight: number
  close(): Promise<void>
}

/**
 * Result ids repeat after this many per process and target, so a long run overwrites keys
 * instead of piling up memory (a SET over an existing key costs Redis about the same).
 */
const idCycle = 20_000

/** The two operations on `target`: the backend on a cluster, raw commands on the control server. */
export function openWorkloads(
  target: TargetSpec,
  settings: WorkloadSettings,
  worker: number,
): Record<TopologyOperation, ArmWorkload> {
  const label = `w${worker}-${target.id}`
  return target.kind === 'cluster'
    ? {
        storeResults: backendStores(target, settings, label),
        chordCompleteTask: backendCompletions(target, settings, label),
      }
    : {
        storeResults: rawStores(target.url, settings, label),
        chordCompleteTask: rawIncrs(target.url, settings, label),
      }
}

function cyclingIds(label: string): () => string {
  let next = 0
  return () => {
    next = (next + 1) % idCycle
    return `${label}-${next}`
  }
}

/** `storeResults` of a batch of ~1 KB Celery documents, one pipeline per node. */
function backendStores(
  target: TargetSpec & { kind: 'cluster' },
  settings: WorkloadSettings,
  label: string,
): ArmWorkload {
  const backend = new RedisResultBackend({ cluster: target.nodes }, { namespace: settings.namespace })
  const template = kilobyteResult('template')
  const nextId = cyclingIds(label)
  return {
    prepare: async () => [],
    async step() {
      const metas = Array.from({ length: settings.storeBatch }, () => withTaskId(template, nextId()))
      await backend.storeResults(metas, withTtl)
      return settings.storeBatch
    },
    inFlight: settings.storeInFlight,
    close: () => backend.close(),
  }
}

/** The control: pipelines of `SET key document EX ttl` of the same document, on the plain server. */
function rawStores(url: string, settings: WorkloadSettings, label: string): ArmWorkload {
  const client = new Redis(url, { lazyConnect: true })
  const document = encodeTaskMeta(kilobyteResult('template'))
  const nextId = cyclingIds(label)
  return {
    prepare: async () => [],
    async step() {
      const pipeline = client.pipeline()
      for (let index = 0; index < settings.storeBatch; index += 1) {
        pipeline.set(`${settings.namespace}raw-${nextId()}`, document, 'EX', benchTtlSeconds)
      }
      await pipeline.exec()
      return settings.storeBatch
    },
    inFlight: settings.storeInFlight,
    close: async () => {
      client.disconnect()
    },
  }
}

/**
 * `chordCompleteTask` on an auto-pipelined connection, round-robin over fresh chords whose total
 * is never reached (every call takes the counting path); the chords' hash tags spread them over
 * the slots, so over the primaries. With `redeliverEvery`, every n-th call completes the task
 * before it again and counts 0: an exact barrier does not count it, a broken one does.
 */
function backendCompletions(
  target: TargetSpec & { kind: 'cluster' },
  settings: WorkloadSettings,
  label: string,
): ArmWorkload {
  const backend = new RedisResultBackend(
    { cluster: target.nodes },
    {
      namespace: settings.namespace,
      autoPipelining: true,
      chordTtlSeconds: benchTtlSeconds,
      barrier: settings.barrier,
    },
  )
  let chords: string[] = []
  let round = 0
  let calls = 0
  let last: { chordId: string; taskId: string } | undefined
  return {
    async prepare() {
      await Promise.all(chords.map(chordId => backend.chordDelete(chordId)))
      round += 1
      chords = Array.from({ length: settings.chordsPerProcess }, (_, index) => `${label}-r${round}-c${index}`)
      await Promise.all(chords.map(chordId => backend.chordInit({ chordId, total: endlessChordTotal })))
      last = undefined
      return chords.map(chordId => backend.keys.chord(chordId).counter)
    },
    async step() {
      calls += 1
      if (settings.redeliverEvery > 0 && calls % settings.redeliverEvery === 0 && last !== undefined) {
        await backend.chordCompleteTask(last.chordId, last.taskId)
        return 0
      }
      const delivery = { chordId: chords[calls % chords.length] as string, taskId: `t${calls}` }
      last = delivery
      await backend.chordCompleteTask(delivery.chordId, delivery.taskId)
      return 1
    },
    inFlight: settings.completionsInFlight,
    close: () => backend.close(),
  }
}

/** The control: `INCR` on an auto-pipelined connection, round-robin over as many keys as there are chords. */
function rawIncrs(url: string, settings: WorkloadSettings, label: string): ArmWorkload {
  const client = new Redis(url, { lazyConnect: true, enableAutoPipelining: true })
  let keys: string[] = []
  let round = 0
  let calls = 0
  return {
    async prepare() {
      if (keys.length > 0) await client.del(...keys)
      round += 1
      keys = Array.from(
        { length: settings.chordsPerProcess },
        (_, index) => `${settings.namespace}incr-${label}-r${round}-${index}`,
      )
      return keys
    },
    async step() {
      calls += 1
      await client.incr(keys[calls % keys.length] as string)
      return 1
    },
    inFlight: settings.completionsInFlight,
    close: async () => {
      client.disconnect()
    },
  }
}

/** How the backend is driven, in words, for the report. */
export function methodOf(operation: TopologyOperation, settings: WorkloadSettings): string {
  return operation === 'storeResults'
    ? `storeResults of ${settings.storeBatch} ~1 KB results (one pipeline per node), ${settings.storeInFlight} in flight per process`
    : `chordCompleteTask, ${settings.completionsInFlight} in flight per process on an auto-pipelined cluster client, ` +
        `over ${settings.chordsPerProcess} fresh chords per process per round (total never reached)`
}

/** How the control is driven, in words. */
export function controlMethodOf(operation: TopologyOperation, settings: WorkloadSettings): string {
  return operation === 'storeResults'
    ? `pipelines of ${settings.storeBatch} SET … EX of the same document, ${settings.storeInFlight} in flight per process`
    : `INCR, ${settings.completionsInFlight} in flight per process on an auto-pipelined connection, over ${settings.chordsPerProcess} keys`
}
