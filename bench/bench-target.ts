import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { type BackendOptions, RedisResultBackend } from '../src/index.ts'

/**
 * One Redis as the suites use it: the backend under test and a bare ioredis client for the raw
 * controls, each on its own connection, plus a third connection for setting keys up outside the
 * timed windows. Every key lives under a namespace of this run's own, so a shared server
 * (REDIS_URL) never mixes the run's keys with anyone else's.
 */
export interface BenchTarget {
  url: string
  namespace: string
  backend: RedisResultBackend
  /** The controls' connection: bare ioredis, no scripts of chordlab's. */
  raw: Redis
  /** Set-up and inspection, never timed. */
  setup: Redis
  /** The key a control uses for `id`, under the run's namespace (and apart from the backend's keys). */
  rawKey(id: string): string
  /** An id (task, chord, or a control's key) never used before in the run. */
  freshId(label: string): string
  /**
   * Ids that repeat after `size` of them: writes overwrite earlier keys instead of piling up
   * gigabytes over a long throughput run (a SET over an existing key costs Redis about the same).
   */
  idCycle(label: string, size?: number): () => string
  close(): Promise<void>
}

export interface BenchTargetOptions {
  backend?: BackendOptions
  /**
   * Delete the namespace's keys on close (SCAN + UNLINK): for a server chordlab does not own.
   * A server chordlab started is simply stopped.
   * @default false
   */
  removeKeysOnClose?: boolean
  /** ioredis `enableAutoPipelining` on the raw connection, to match an auto-pipelined backend. @default false */
  rawAutoPipelining?: boolean
}

/** Results and chords of the benchmarks expire on their own too, in case a run is cut short. */
export const benchTtlSeconds = 3_600
/**
 * The backend keeps results without a TTL unless a call asks for one, so that one backend times
 * both `storeResult` variants; every other store passes this.
 */
export const withTtl = { ttlSeconds: benchTtlSeconds } as const
/** The total of a chord no benchmark ever fills, so every completion takes the counting path. */
export const endlessChordTotal = 1_000_000_000_000

const defaultCycleSize = 50_000

export async function openBenchTarget(url: string, options: BenchTargetOptions = {}): Promise<BenchTarget> {
  const namespace = `chordlab-bench-${randomBytes(4).toString('hex')}:`
  const backend = new RedisResultBackend(url, {
    resultTtlSeconds: null,
    chordTtlSeconds: benchTtlSeconds,
    ...options.backend,
    namespace,
  })
  const raw = new Redis(url, { enableAutoPipelining: options.rawAutoPipelining ?? false, lazyConnect: true })
  const setup = new Redis(url, { lazyConnect: true })
  let sequence = 0
  const freshId = (label: string) => {
    sequence += 1
    return `${label}-${sequence}`
  }
  try {
    await Promise.all([raw.connect(), setup.connect(), backend.chordGetState('connect-probe')])
  } catch (error) {
    await closeAll(backend, raw, setup)
    throw error
  }
  return {
    url,
    namespace,
    backend,
    raw,
    setup,
    rawKey(id) {
      return `${namespace}raw-${id}`
    },
    freshId,
    idCycle(label, size = defaultCycleSize) {
      const prefix = freshId(label)
      let next = 0
      return () => {
        next = (next + 1) % size
        return `${prefix}-${next}`
      }
    },
    async close() {
      try {
        if (options.removeKeysOnClose) await removeNamespace(setup, namespace)
      } finally {
        await closeAll(backend, raw, setup)
      }
    },
  }
}

async function closeAll(backend: RedisResultBackend, ...clients: Redis[]): Promise<void> {
  await backend.close()
  for (const client of clients) client.disconnect()
}

async function removeNamespace(client: Redis, namespace: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${namespace}*`, 'COUNT', 1_000)
    if (keys.length > 0) await client.unlink(...keys)
    cursor = next
  } while (cursor !== '0')
}
