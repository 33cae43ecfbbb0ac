import { type BarrierName, barrierNames, barriers, type ChordBarrier } from './barrier/index.ts'
import { type BatchItem, type CommandCall, getMany, type Reply, runBatch } from './batch.ts'
import { decodeChordState, decodeTaskMeta, encodeChordState, encodeTaskMeta } from './codec.ts'
import {
  type ConnectionOptions,
  connectionDefaults,
  type RedisClient,
  SharedConnection,
} from './connection.ts'
import {
  type AppliedWrite,
  BackendError,
  isBackendError,
  ReplicationError,
  toBackendError,
} from './errors.ts'
import { defaultResultPrefix, KeyLayout } from './keys.ts'
import { acknowledgedReplicas, type ReplicationRequirement } from './replication.ts'
import { type RedisTarget, resolveTarget } from './target.ts'
import type { ChordInit, ChordProgress, ChordState, StoreOptions, TaskMeta } from './types.ts'
import type { TlsOptions } from './url.ts'
import { assertChordTotal, assertId, assertPrefix, assertTaskMeta, assertTtlSeconds } from './validate.ts'

export interface BackendOptions extends ConnectionOptions {
  /**
   * Put in front of every key, like Celery's `global_keyprefix` (and with its rule: a `_` is
   * appended unless the namespace ends in one of `:_-.`).
   * @default '' (the spec's key names)
   */
  namespace?: string
  /**
   * Results expire after this many seconds; `null` keeps them forever. Celery's `result_expires`.
   * @default 86_400
   */
  resultTtlSeconds?: number | null
  /** A chord's keys expire this long after `chordInit`; `null` keeps them forever. @default 86_400 */
  chordTtlSeconds?: number | null
  /** The barrier `chordCompleteTask` uses. Only `reference` is exact; the others are test subjects. @default 'reference' */
  barrier?: BarrierName
  /** Certificates for `rediss://` URLs, and for cluster and Sentinel targets with `tls: true`. */
  tls?: TlsOptions
  /** Refuse to store a result document larger than this many bytes (Redis's own limit is 512 MiB). @default 536_870_912 */
  maxValueBytes?: number
  /**
   * Also PUBLISH every stored document on the channel named by its key, in one MULTI with the SET,
   * as Celery's own backend does. A Celery client blocked in `AsyncResult.get()` waits for that
   * message and never re-reads the key, so without it such a client only sees a result chordlab
   * stores after it started waiting when its timeout runs out. Off by default: it costs a second
   * command per store and a pub/sub fan-out that clients which only poll do not need.
   * @default false
   */
  publishResults?: boolean
  /**
   * After every result write, chord creation and chord completion, WAIT until this many replicas
   * acknowledged it; when fewer do within `waitTimeoutMs`, the call rejects with a
   * {@link ReplicationError} (kind `Replication`) that carries what the write did. Replication is
   * asynchronous otherwise: a failover can lose writes that were acknowledged. WAIT holds the
   * connection, so with a replica down every write waits the full timeout.
   * @default 0 (no WAIT)
   */
  waitReplicas?: number
  /** How long WAIT waits for `waitReplicas`; below `commandTimeoutMs`. @default 1_000 */
  waitTimeoutMs?: number
}

export const backendDefaults = {
  resultTtlSeconds: 86_400,
  chordTtlSeconds: 86_400,
  barrier: 'reference',
  maxValueBytes: 512 * 1024 * 1024,
  publishResults: false,
  waitReplicas: 0,
  waitTimeoutMs: 1_000,
} as const

/** MGET and pipelines are cut into chunks of this many keys, so one huge batch never blocks Redis for long. */
const batchChunkSize = 1_000

interface Settings {
  resultTtlSeconds: number | null
  chordTtlSeconds: number | null
  barrier: ChordBarrier
  maxValueBytes: number
  publishResults: boolean
  replication: ReplicationRequirement | undefined
  display: string
}

/**
 * A Redis result backend for task systems: Celery-compatible result documents and an exact,
 * idempotent chord barrier. One instance holds one client (one connection; one per node on a
 * cluster); operations may run concurrently. It runs on one server (a URL), a Redis Cluster
 * (`{ cluster: [...] }`) or a Sentinel group (`{ sentinels: [...], name }`).
 */
export class RedisResultBackend {
  readonly #connection: SharedConnection
  readonly #settings: Settings
  #closed = false
  /** The key names this backend reads and writes. */
  readonly keys: KeyLayout

  constructor(target: RedisTarget, options?: BackendOptions)
  /** @internal used by withPrefix to share the connection. */
  constructor(target: SharedConnection, options: Settings, keys: KeyLayout)
  constructor(
    target: RedisTarget | SharedConnection,
    options: BackendOptions | Settings = {},
    keys?: KeyLayout,
  ) {
    if (target instanceof SharedConnection) {
      this.#connection = target.share()
      this.#settings = options as Settings
      this.keys = keys ?? new KeyLayout()
      return
    }
    const backendOptions = options as BackendOptions
    const resolved = resolveTarget(target, backendOptions.tls)
    this.#settings = settingsFrom(backendOptions, resolved.display)
    if (backendOptions.namespace !== undefined && backendOptions.namespace !== '') {
      assertPrefix(backendOptions.namespace, 'namespace')
    }
    this.keys = new KeyLayout(backendOptions.namespace, defaultResultPrefix, resolved.kind === 'cluster')
    this.#connection = new SharedConnection(resolved, backendOptions)
  }

  /**
   * What this backend talks to, safe to print: the URL with any password replaced by `***`,
   * `cluster host:port,…` or `sentinel name@host:port,…`.
   */
  get url(): string {
    return this.#settings.display
  }

  get barrier(): BarrierName {
    return this.#settings.barrier.name
  }

  /**
   * A backend on the same connection whose results live under `{prefix}{taskId}` instead of
   * `celery-task-meta-{taskId}` (the spec's `with_prefix`). Chord keys keep their names.
   */
  withPrefix(prefix: string): RedisResultBackend {
    assertPrefix(prefix, 'prefix')
    return new RedisResultBackend(this.#connection, this.#settings, this.keys.withResultPrefix(prefix))
  }

  /**
   * Stores (or replaces) a result; with a TTL, value and expiry are set by one SET … EX (followed by
   * a PUBLISH in the same MULTI with `publishResults`).
   */
  async storeResult(meta: TaskMeta, options: StoreOptions = {}): Promise<void> {
    const ttl = this.#ttlFor(options)
    const value = this.#encode(meta)
    await this.#run('storeResult', client => this.#setResult(client, meta.taskId, value, ttl))
    await this.#confirmReplicated('storeResult', [this.keys.result(meta.taskId)], {
      operation: 'storeResult',
    })
  }

  /** The stored result, or null when there is none (never stored, deleted or expired). */
  async getResult(taskId: string): Promise<TaskMeta | null> {
    assertId(taskId, 'task id')
    const raw = await this.#run('getResult', client => client.get(this.keys.result(taskId)))
    return raw === null ? null : decodeTaskMeta(raw, taskId)
  }

  /** Removes a result; false when there was none. */
  async deleteResult(taskId: string): Promise<boolean> {
    assertId(taskId, 'task id')
    const removed = await this.#run('deleteResult', client => client.del(this.keys.result(taskId)))
    return removed > 0
  }

  /** Sets a result's remaining lifetime; a `NotFound` error when there is no such result. */
  async setExpiration(taskId: string, seconds: number): Promise<void> {
    assertId(taskId, 'task id')
    assertTtlSeconds(seconds, 'seconds')
    const applied = await this.#run('setExpiration', client =>
      client.expire(this.keys.result(taskId), seconds),
    )
    if (applied !== 1) throw new BackendError('NotFound', `setExpiration: no result for task ${taskId}`)
  }

  /**
   * Stores many results in one pipeline (one per node on a cluster). Every meta is checked first,
   * so bad input writes nothing. The writes are not one transaction: after a `Connection` error
   * some may have been applied.
   */
  async storeResults(metas: readonly TaskMeta[], options: StoreOptions = {}): Promise<void> {
    const ttl = this.#ttlFor(options)
    const items = metas.map((meta): BatchItem => {
      const key = this.keys.result(meta.taskId)
      const value = this.#encode(meta)
      return {
        key,
        commands: [
          ttl === null ? ['set', key, value] : ['set', key, value, 'EX', ttl],
          ...(this.#settings.publishResults ? [['publish', key, value] satisfies CommandCall] : []),
        ],
      }
    })
    const replies = await this.#run('storeResults', client => runBatch(client, items))
    throwFirstReplyError(replies.flat(), 'storeResults', this.url)
    if (items.length === 0) return
    const keys = items.map(item => item.key)
    await this.#confirmReplicated('storeResults', keys, { operation: 'storeResults' })
  }

  /**
   * Results in the order of `taskIds`, null where there is none; one round trip (MGETs of up to
   * 1,000 keys in one pipeline; on a cluster, GETs in one pipeline per node).
   */
  async getResults(taskIds: readonly string[]): Promise<Array<TaskMeta | null>> {
    for (const taskId of taskIds) assertId(taskId, 'task id')
    const keys = taskIds.map(taskId => this.keys.result(taskId))
    const replies = await this.#run('getResults', client => getMany(client, keys, batchChunkSize))
    throwFirstReplyError(replies, 'getResults', this.url)
    const raws = replies.map(([, value]) => value as string | null)
    const problems: BackendError[] = []
    const metas = raws.map((raw, index) => {
      const taskId = taskIds[index] as string
      if (raw === null) return null
      try {
        return decodeTaskMeta(raw, taskId)
      } catch (error) {
        problems.push(error as BackendError)
        return null
      }
    })
    if (problems.length > 0) {
      const shown = problems.slice(0, 3).map(problem => problem.message.replace(/^Serialization: /, ''))
      const more = problems.length > 3 ? `, and ${problems.length - 3} more` : ''
      throw new BackendError(
        'Serialization',
        `getResults: ${problems.length} unreadable: ${shown.join('; ')}${more}`,
      )
    }
    return metas
  }

  /**
   * Creates a chord: its state, its counter at 0 and its members hash, in one script. Calling it
   * again for an existing chord with the same total changes nothing (safe to retry); with another
   * total it is an `InvalidInput` error. Returns false when the chord already existed.
   *
   * A `Serialization` error when Celery's own barrier keys exist for this id: a second, separate
   * barrier beside Celery's would count only chordlab's completions (see #refuseCeleryChord).
   */
  async chordInit(init: ChordInit): Promise<boolean> {
    assertId(init.chordId, 'chord id')
    assertChordTotal(init.total)
    const taskIds = init.taskIds ?? []
    for (const taskId of taskIds) assertId(taskId, 'task id')
    if (taskIds.length > 0 && taskIds.length !== init.total) {
      throw new BackendError(
        'InvalidInput',
        `chord ${init.chordId} lists ${taskIds.length} task ids for a total of ${init.total}`,
      )
    }
    const callback = init.callback ?? null
    if (callback !== null && typeof callback !== 'string')
      throw new BackendError('InvalidInput', 'callback must be a task name')
    const createdAt = init.createdAt ?? new Date()
    if (!(createdAt instanceof Date) || Number.isNaN(createdAt.getTime())) {
      throw new BackendError('InvalidInput', 'createdAt must be a valid Date')
    }
    const stateJson = encodeChordState({
      chordId: init.chordId,
      total: init.total,
      callback,
      taskIds,
      createdAt,
    })
    await this.#refuseCeleryChord('chordInit', init.chordId)
    const keys = this.keys.chord(init.chordId)
    const ttlMs = (this.#settings.chordTtlSeconds ?? 0) * 1000
    const created =
      (await this.#run('chordInit', client =>
        client.chordInit(keys.state, keys.counter, keys.members, stateJson, init.total, ttlMs),
      )) === 1
    await this.#confirmReplicated('chordInit', [keys.counter], { operation: 'chordInit', created })
    return created
  }

  /**
   * Counts one completed header task. Idempotent per task id: a duplicate delivery is reported
   * with `counted: false` and never moves the count. Exactly one call per chord gets `isLast: true`.
   * A `NotFound` error when the chord does not exist (never created, deleted or expired); a
   * `Serialization` error instead when the id is a live Celery chord's (see #refuseCeleryChord).
   */
  async chordCompleteTask(chordId: string, taskId: string): Promise<ChordProgress> {
    assertId(chordId, 'chord id')
    assertId(taskId, 'task id')
    const keys = this.keys.chord(chordId)
    let progress: ChordProgress
    try {
      progress = await this.#run('chordCompleteTask', client =>
        this.#settings.barrier.complete(client, keys, taskId),
      )
    } catch (error) {
      // Only the failing path pays for the look at Celery's keys; nothing was counted either way.
      if (isBackendError(error, 'NotFound')) await this.#refuseCeleryChord('chordCompleteTask', chordId)
      throw error
    }
    await this.#confirmReplicated('chordCompleteTask', [keys.counter], {
      operation: 'chordCompleteTask',
      progress,
    })
    return progress
  }

  /** The chord's state with its live `completed` count, or null when it does not exist. */
  async chordGetState(chordId: string): Promise<ChordState | null> {
    assertId(chordId, 'chord id')
    const keys = this.keys.chord(chordId)
    const [state, counter] = await this.#run('chordGetState', client => client.mget(keys.state, keys.counter))
    if (state === null || state === undefined) return null
    const completed = Number(counter ?? 0)
    if (!Number.isSafeInteger(completed) || completed < 0) {
      throw new BackendError(
        'Serialization',
        `counter of chord ${chordId} is not a count: ${JSON.stringify(counter)}`,
      )
    }
    return decodeChordState(state, chordId, completed)
  }

  /** Removes every key of the chord; false when none existed. */
  async chordDelete(chordId: string): Promise<boolean> {
    assertId(chordId, 'chord id')
    const keys = this.keys.chord(chordId)
    const removed = await this.#run('chordDelete', client =>
      client.del(keys.state, keys.counter, keys.members),
    )
    return removed > 0
  }

  /** Closes the connection (once every backend sharing it has closed). */
  async close(): Promise<void> {
    // A second close (an explicit close, then `await using`) must not release a share that other
    // backends on the same connection still hold.
    if (this.#closed) return
    this.#closed = true
    await this.#connection.release()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #ttlFor(options: StoreOptions): number | null {
    if (options.ttlSeconds === undefined) return this.#settings.resultTtlSeconds
    assertTtlSeconds(options.ttlSeconds)
    return options.ttlSeconds
  }

  #encode(meta: TaskMeta): string {
    assertTaskMeta(meta)
    const value = encodeTaskMeta(meta)
    const bytes = Buffer.byteLength(value)
    if (bytes > this.#settings.maxValueBytes) {
      throw new BackendError(
        'InvalidInput',
        `result of task ${meta.taskId} is ${bytes} bytes encoded, over maxValueBytes (${this.#settings.maxValueBytes})`,
      )
    }
    return value
  }

  #setResult(client: RedisClient, taskId: string, value: string, ttl: number | null): Promise<unknown> {
    const key = this.keys.result(taskId)
    if (this.#settings.publishResults) {
      const transaction = client.multi()
      if (ttl === null) transaction.set(key, value)
      else transaction.set(key, value, 'EX', ttl)
      return transaction
        .publish(key, value)
        .exec()
        .then(replies => {
          throwFirstReplyError(replies, 'storeResult', this.url)
        })
    }
    return ttl === null ? client.set(key, value) : client.set(key, value, 'EX', ttl)
  }

  /**
   * Celery keeps a chord's barrier in `celery-taskset-meta-{id}.s`, `.j` and `.t`, and only Celery's
   * worker can complete it: the callback's signature travels in the header tasks' messages, never
   * in Redis. Counting a task with chordlab's barrier under such an id would be a second, separate
   * count that Celery never sees (and the other way round), so both chordInit and a
   * chordCompleteTask that finds no chordlab chord refuse with a `Serialization` error naming
   * Celery's keys. The look is a command of its own, not part of chordlab's scripts: a Celery chord
   * created under the same id after a successful chordInit is not detected.
   */
  async #refuseCeleryChord(operation: string, chordId: string): Promise<void> {
    const celery = this.keys.celeryChord(chordId)
    const candidates = [celery.size, celery.joined, celery.added]
    const items = candidates.map((key): BatchItem => ({ key, commands: [['exists', key]] }))
    const replies = (await this.#run(operation, client => runBatch(client, items))).flat()
    throwFirstReplyError(replies, operation, this.url)
    const present = candidates.filter((_key, index) => replies[index]?.[1] === 1)
    if (present.length === 0) return
    throw new BackendError(
      'Serialization',
      `${operation} on ${this.url}: chord ${chordId} is a Celery chord (Celery's barrier keys exist: ` +
        `${present.join(', ')}); chordlab does not count into Celery's barrier, whose callback only ` +
        `Celery's worker knows. Complete its tasks through Celery, or give chordlab's chord another id`,
    )
  }

  /**
   * With `waitReplicas`, WAITs on the connection(s) that wrote `keys`, and turns a shortfall into a
   * ReplicationError carrying what the write did.
   */
  async #confirmReplicated(operation: string, keys: readonly string[], applied: AppliedWrite): Promise<void> {
    const requirement = this.#settings.replication
    if (requirement === undefined) return
    const acknowledged = await this.#run(operation, client => acknowledgedReplicas(client, keys, requirement))
    if (acknowledged >= requirement.replicas) return
    throw new ReplicationError(
      `${operation} on ${this.url}: ${acknowledged} of ${requirement.replicas} replica(s) acknowledged the ` +
        `write within ${requirement.timeoutMs} ms; it is applied on the primary, and lost if the primary ` +
        'fails before a replica copies it',
      { acknowledged, required: requirement.replicas, applied },
    )
  }

  async #run<T>(operation: string, action: (client: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await action(this.#connection.acquire())
    } catch (error) {
      throw toBackendError(this.#connection.explain(error), `${operation} on ${this.url}`)
    }
  }
}

function settingsFrom(options: BackendOptions, display: string): Settings {
  const barrierName = options.barrier ?? backendDefaults.barrier
  if (!barrierNames.includes(barrierName)) {
    throw new BackendError(
      'InvalidInput',
      `unknown barrier ${JSON.stringify(barrierName)}; one of ${barrierNames.join(', ')}`,
    )
  }
  const ttl = (value: number | null | undefined, fallback: number, name: string) => {
    if (value === null) return null
    if (value === undefined) return fallback
    assertTtlSeconds(value, name)
    return value
  }
  const maxValueBytes = options.maxValueBytes ?? backendDefaults.maxValueBytes
  if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 1) {
    throw new BackendError('InvalidInput', 'maxValueBytes must be a positive whole number')
  }
  return {
    resultTtlSeconds: ttl(options.resultTtlSeconds, backendDefaults.resultTtlSeconds, 'resultTtlSeconds'),
    chordTtlSeconds: ttl(options.chordTtlSeconds, backendDefaults.chordTtlSeconds, 'chordTtlSeconds'),
    barrier: barriers[barrierName],
    maxValueBytes,
    publishResults: options.publishResults ?? backendDefaults.publishResults,
    replication: replicationFrom(options),
    display,
  }
}

function replicationFrom(options: BackendOptions): ReplicationRequirement | undefined {
  const replicas = options.waitReplicas ?? backendDefaults.waitReplicas
  const timeoutMs = options.waitTimeoutMs ?? backendDefaults.waitTimeoutMs
  if (!Number.isSafeInteger(replicas) || replicas < 0) {
    throw new BackendError('InvalidInput', 'waitReplicas must be a whole number of at least 0')
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new BackendError(
      'InvalidInput',
      'waitTimeoutMs must be a whole number of milliseconds of at least 1',
    )
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? connectionDefaults.commandTimeoutMs
  if (replicas > 0 && commandTimeoutMs > 0 && timeoutMs >= commandTimeoutMs) {
    throw new BackendError(
      'InvalidInput',
      `waitTimeoutMs (${timeoutMs}) must be below commandTimeoutMs (${commandTimeoutMs}), or every short WAIT ` +
        'would end as a Connection error instead of a Replication error',
    )
  }
  return replicas === 0 ? undefined : { replicas, timeoutMs }
}

function throwFirstReplyError(replies: readonly Reply[] | null, operation: string, url: string): void {
  const failed = replies?.find(([error]) => error !== null)
  if (failed?.[0]) throw toBackendError(failed[0], `${operation} on ${url}`)
}
