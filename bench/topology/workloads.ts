import { Redis } from 'ioredis'
import { RedisResultBackend } from '../../src/backend/backend.ts'
import { encodeTaskMeta } from '../../src/backend/codec.ts'
import type { TaskMeta } from '../../src/backend/types.ts'
import type { TopologyOperation } from '../../src/report/sections/topology-data.ts'
import { benchTtlSeconds, endlessChordTotal } from '../bench-target.ts'
import { kilobyteResult, withTaskId } from '../documents.ts'
import { stores } from './stores.ts'
import type { BackendConnection, StoredIds, TargetSpec, WorkloadSettings } from './worker-protocol.ts'

/** One operation on one target, as a client process drives it. */
export interface ArmWorkload {
  /** Untimed: clears the previous round's chords or keys and sets up fresh ones; returns the keys that count the round. */
  prepare(): Promise<string[]>
  /** One call; resolves with the units it did (results stored, new tasks completed). */
  step(): Promise<number>
  inFlight: number
  /** After a round: the result ids it reports stored (stores), or null (completions). */
  stored(): StoredIds | null
  close(): Promise<void>
}

const template = kilobyteResult('template')

/** The result every store writes for `taskId` (the ~1 KB document of bench/documents.ts), and what the read-back expects. */
export function storedResult(taskId: string): TaskMeta {
  return withTaskId(template, taskId)
}

/** The bytes the raw control SETs under every key: the same document, encoded once. */
export const rawDocument = encodeTaskMeta(template)

/** The key the raw control stores result `id` under (apart from the backend's keys). */
export function rawResultKey(namespace: string, id: string): string {
  return `${namespace}raw-${id}`
}

/** The two operations on `target`: through the backend (a cluster or the plain server), or raw commands (the control). */
export function openWorkloads(
  target: TargetSpec,
  settings: WorkloadSettings,
  worker: number,
): Record<TopologyOperation, ArmWorkload> {
  const label = `w${worker}-${target.id}`
  return target.driver === 'backend'
    ? {
        storeResults: backendStores(target.redis, settings, label),
        chordCompleteTask: backendCompletions(target.redis, settings, label),
      }
    : {
        storeResults: rawStores(target.url, settings, label),
        chordCompleteTask: rawIncrs(target.url, settings, label),
      }
}

/**
 * Task ids unique to each round (`${label}-r${round}-${n}`), handed out in order, so a round's
 * ids are told to the parent as a prefix and a count. The parent empties the target before every
 * store round, so these keys never pile up.
 */
function roundIds(label: string) {
  let round = 0
  let issued = 0
  const idPrefix = () => `${label}-r${round}-`
  return {
    startRound() {
      round += 1
      issued = 0
    },
    next(): string {
      const id = `${idPrefix()}${issued}`
      issued += 1
      return id
    },
    stored: (): StoredIds => ({ idPrefix: idPrefix(), count: issued }),
  }
}

/** `storeResults` of a batch of ~1 KB Celery documents (one pipeline per node on a cluster). */
function backendStores(redis: BackendConnection, settings: WorkloadSettings, label: string): ArmWorkload {
  const backend = new RedisResultBackend(redis, { namespace: settings.namespace })
  const store = stores[settings.store]
  return storeArm(
    settings,
    label,
    nextId =>
      store(
        backend,
        Array.from({ length: settings.storeBatch }, () => storedResult(nextId())),
      ),
    () => backend.close(),
  )
}

/** The control: pipelines of `SET key document EX ttl` of the same document, on the plain server. */
function rawStores(url: string, settings: WorkloadSettings, label: string): ArmWorkload {
  const client = new Redis(url, { lazyConnect: true })
  return storeArm(
    settings,
    label,
    async nextId => {
      const pipeline = client.pipeline()
      for (let index = 0; index < settings.storeBatch; index += 1) {
        pipeline.set(rawResultKey(settings.namespace, nextId()), rawDocument, 'EX', benchTtlSeconds)
      }
      await pipeline.exec()
    },
    async () => {
      client.disconnect()
    },
  )
}

/** A store arm: each step stores one batch under ids unique to the round, which it reports as stored. */
function storeArm(
  settings: WorkloadSettings,
  label: string,
  storeBatch: (nextId: () => string) => Promise<unknown>,
  close: () => Promise<void>,
): ArmWorkload {
  const ids = roundIds(label)
  return {
    async prepare() {
      ids.startRound()
      return []
    },
    async step() {
      await storeBatch(ids.next)
      return settings.storeBatch
    },
    inFlight: settings.storeInFlight,
    stored: ids.stored,
    close,
  }
}

/**
 * `chordCompleteTask` on an auto-pipelined client, round-robin over fresh chords whose total is
 * never reached (every call takes the counting path); on a cluster the chords' hash tags spread
 * them over the slots, so over the primaries. With `redeliverEvery`, every n-th call completes the
 * task before it again and counts 0: an exact barrier does not count it, a broken one does.
 */
function backendCompletions(
  redis: BackendConnection,
  settings: WorkloadSettings,
  label: string,
): ArmWorkload {
  const backend = new RedisResultBackend(redis, {
    namespace: settings.namespace,
    autoPipelining: true,
    chordTtlSeconds: benchTtlSeconds,
    barrier: settings.barrier,
  })
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
    stored: () => null,
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
    stored: () => null,
    close: async () => {
      client.disconnect()
    },
  }
}

/** How the backend is driven (on the clusters and on the plain server alike), in words, for the report. */
export function methodOf(operation: TopologyOperation, settings: WorkloadSettings): string {
  return operation === 'storeResults'
    ? `storeResults of ${settings.storeBatch} ~1 KB results (one pipeline per node on a cluster), ${settings.storeInFlight} in flight per process`
    : `chordCompleteTask, ${settings.completionsInFlight} in flight per process on an auto-pipelined client (one connection per node on a cluster), ` +
        `over ${settings.chordsPerProcess} fresh chords per process per round (total never reached)`
}

/** How the control is driven, in words. */
export function controlMethodOf(operation: TopologyOperation, settings: WorkloadSettings): string {
  return operation === 'storeResults'
    ? `pipelines of ${settings.storeBatch} SET … EX of the same document, ${settings.storeInFlight} in flight per process`
    : `INCR, ${settings.completionsInFlight} in flight per process on an auto-pipelined connection, over ${settings.chordsPerProcess} keys`
}
