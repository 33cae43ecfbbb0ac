import { describe, expect, it } from 'vitest'
import { keySlot } from '../src/backend/key-slot.ts'
import { type BackendOptions, type ClusterTarget, RedisResultBackend, type TaskMeta } from '../src/index.ts'
import type { StartedRedisServer } from '../src/servers/index.ts'
import { raceChord } from '../src/workloads/chord-race.ts'
import { expectBackendError } from './support/errors.ts'
import { comparable, sampleMeta, uniqueId, uniqueNamespace } from './support/meta.ts'
import { openRawCluster, useSuiteCluster } from './support/topologies.ts'

const cluster = useSuiteCluster({ primaries: 3, replicasPerPrimary: 1 })

function target(): ClusterTarget {
  return { cluster: cluster().addresses() }
}

function openClusterBackend(options: BackendOptions = {}): RedisResultBackend {
  return new RedisResultBackend(target(), { namespace: uniqueNamespace(), ...options })
}

function metas(count: number): TaskMeta[] {
  return Array.from({ length: count }, (_, index) =>
    sampleMeta({ taskId: `spread-${index}-${uniqueId()}`, result: { state: 'SUCCESS', value: index } }),
  )
}

/** Keys each primary holds right now (DBSIZE on the node itself). */
async function keysPerPrimary(): Promise<number[]> {
  const primaries = await cluster().primaries()
  return Promise.all(primaries.map(primary => primary.withAdminClient(client => client.dbsize())))
}

/** A chord id whose keys land on `primary` (chord keys hash their id only). */
async function chordIdOn(primary: StartedRedisServer): Promise<string> {
  const member = (await cluster().topology()).find(candidate => candidate.server === primary)
  const served = (slot: number) =>
    member?.slots.some(([first, last]) => first <= slot && slot <= last) ?? false
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const chordId = uniqueId('chord')
    if (served(keySlot(chordId))) return chordId
  }
  throw new Error(`no chord id found for ${primary.address}`)
}

describe('the backend on a 3-primary cluster', () => {
  it('stores, reads, expires and deletes single results', async () => {
    await using backend = openClusterBackend()
    const meta = sampleMeta()
    await backend.storeResult(meta, { ttlSeconds: 600 })
    expect(comparable(await backend.getResult(meta.taskId))).toEqual(comparable(meta))
    await backend.setExpiration(meta.taskId, 30)
    const raw = openRawCluster(cluster())
    const ttl = await raw.ttl(backend.keys.result(meta.taskId))
    expect(ttl).toBeGreaterThan(20)
    expect(ttl).toBeLessThanOrEqual(30)
    expect(await backend.deleteResult(meta.taskId)).toBe(true)
    expect(await backend.deleteResult(meta.taskId)).toBe(false)
    expect(await backend.getResult(meta.taskId)).toBeNull()
    await expectBackendError(backend.setExpiration(meta.taskId, 30), 'NotFound')
  })

  it('reaches the same cluster through its URL form (redis+cluster://), as the CLI takes it', async () => {
    const url = cluster().url()
    expect(url).toMatch(/^redis\+cluster:\/\/127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){5}$/)
    await using byUrl = new RedisResultBackend(url, { namespace: uniqueNamespace() })
    await using byObject = openClusterBackend({ namespace: byUrl.keys.namespace })
    const stored = metas(30)
    await byUrl.storeResults(stored)
    expect((await byObject.getResults(stored.map(meta => meta.taskId))).map(comparable)).toEqual(
      stored.map(comparable),
    )
    expect(byUrl.keys.chord('c').counter).toBe(byObject.keys.chord('c').counter)
  })

  it('creates, completes, reads and deletes a chord, with duplicates and an unknown chord', async () => {
    await using backend = openClusterBackend()
    const chordId = uniqueId('chord')
    expect(await backend.chordInit({ chordId, total: 2, callback: 'tasks.sum' })).toBe(true)
    expect(await backend.chordInit({ chordId, total: 2 })).toBe(false)
    await expectBackendError(backend.chordInit({ chordId, total: 3 }), 'InvalidInput')
    expect(await backend.chordCompleteTask(chordId, 'a')).toEqual({
      completed: 1,
      total: 2,
      isLast: false,
      counted: true,
    })
    expect(await backend.chordCompleteTask(chordId, 'a')).toEqual({
      completed: 1,
      total: 2,
      isLast: false,
      counted: false,
    })
    expect(await backend.chordCompleteTask(chordId, 'b')).toEqual({
      completed: 2,
      total: 2,
      isLast: true,
      counted: true,
    })
    expect(await backend.chordGetState(chordId)).toMatchObject({
      chordId,
      total: 2,
      completed: 2,
      callback: 'tasks.sum',
    })
    expect(await backend.chordDelete(chordId)).toBe(true)
    expect(await backend.chordGetState(chordId)).toBeNull()
    await expectBackendError(backend.chordCompleteTask(chordId, 'c'), 'NotFound')
  })

  it("keeps a chord's keys on one node under a hash tag, as CLUSTER KEYSLOT computes it", async () => {
    await using backend = openClusterBackend()
    const chordId = uniqueId('chord')
    await backend.chordInit({ chordId, total: 1 })
    const keys = backend.keys.chord(chordId)
    expect(keys.members).toBe(`${backend.keys.namespace}celery-chord-members-{${chordId}}`)
    const slots = await Promise.all(Object.values(keys).map(key => cluster().slotOf(key)))
    expect(new Set(slots)).toEqual(new Set([keySlot(chordId)]))
    const owner = await cluster().primaryForSlot(keySlot(chordId))
    const present = await owner.withAdminClient(client => client.exists(...Object.values(keys)))
    expect(present).toBe(3)
    for (const key of ['foo', '123456789', 'a{b}c', 'x{}{y}', `${backend.keys.result(uniqueId())}`]) {
      expect(keySlot(key), key).toBe(await cluster().slotOf(key))
    }
  })

  it('stores and reads 600 results spread over every primary, which a plain MGET or pipeline refuses', async () => {
    await using backend = openClusterBackend()
    const before = await keysPerPrimary()
    const stored = metas(600)
    await backend.storeResults(stored, { ttlSeconds: 600 })
    const after = await keysPerPrimary()
    after.forEach((count, index) => {
      expect(count - (before[index] ?? 0), `primary ${index} got a share`).toBeGreaterThan(100)
    })
    const ids = [uniqueId('missing'), ...stored.map(meta => meta.taskId).reverse(), uniqueId('missing')]
    const results = await backend.getResults(ids)
    expect(results).toHaveLength(602)
    expect(results[0]).toBeNull()
    expect(results[601]).toBeNull()
    expect(results.slice(1, 601).map(comparable)).toEqual([...stored].reverse().map(comparable))

    // The same keys in one command, or in one pipeline, is what the backend must not send.
    const raw = openRawCluster(cluster())
    const keys = stored.map(meta => backend.keys.result(meta.taskId))
    await expect(raw.mget(keys)).rejects.toThrow(/CROSSSLOT/)
    const pipeline = raw.pipeline()
    for (const key of keys) pipeline.get(key)
    await expect(pipeline.exec()).rejects.toThrow(/same slots allocation group/)
  })

  it('publishes stored documents and refuses to count into a Celery chord, across slots', async () => {
    await using backend = openClusterBackend({ publishResults: true })
    const raw = openRawCluster(cluster())
    const subscriber = raw.duplicate()
    subscriber.on('error', () => {})
    try {
      const meta = sampleMeta()
      const channel = backend.keys.result(meta.taskId)
      await subscriber.subscribe(channel)
      const message = new Promise<string>(resolve =>
        subscriber.on('message', (_channel, text: string) => resolve(text)),
      )
      await backend.storeResults([meta, sampleMeta()])
      expect(JSON.parse(await message)).toMatchObject({ task_id: meta.taskId, status: 'SUCCESS' })
    } finally {
      subscriber.disconnect()
    }
    const groupId = uniqueId('celery')
    await raw.set(backend.keys.celeryChord(groupId).joined, '1', 'EX', 60)
    const error = await expectBackendError(backend.chordInit({ chordId: groupId, total: 2 }), 'Serialization')
    expect(error.message).toContain('is a Celery chord')
  })

  it('results written through a prefix and a namespace land where the key layout says', async () => {
    await using backend = openClusterBackend()
    const prefixed = backend.withPrefix('my-app-')
    const meta = sampleMeta()
    await prefixed.storeResults([meta])
    const raw = openRawCluster(cluster())
    expect(await raw.exists(`${backend.keys.namespace}my-app-${meta.taskId}`)).toBe(1)
    expect((await prefixed.getResults([meta.taskId]))[0]?.taskId).toBe(meta.taskId)
    await prefixed.close()
  })
})

describe('chords raced on every primary at once, 30% duplicate deliveries', () => {
  const race = { total: 600, workers: 12, duplicateRate: 0.3 }

  it('the reference barrier is exact on each shard', async () => {
    const primaries = await cluster().primaries()
    expect(primaries).toHaveLength(3)
    const chordIds = await Promise.all(primaries.map(chordIdOn))
    const results = await Promise.all(
      chordIds.map((chordId, seed) => raceChord({ url: target(), ...race, seed, chordId })),
    )
    for (const result of results) {
      expect(result.check.violations).toEqual([])
      expect(result.check.verdict).toBe('exact')
      expect(result.check.firedCount).toBe(1)
      expect(result.check.finalCount).toBe(race.total)
      expect(result.deliveries).toBeGreaterThan(race.total * 1.2)
      expect(result.records.filter(record => record.outcome !== 'ok')).toEqual([])
    }
  })

  it('the seed-incr barrier is caught counting duplicates', async () => {
    const result = await raceChord({ url: target(), backend: { barrier: 'seed-incr' }, ...race, seed: 7 })
    expect(['duplicate-applied', 'double-fired', 'fired-early']).toContain(result.check.verdict)
    expect(result.check.firedCount).toBeGreaterThan(1)
    expect(result.check.finalCount).toBeGreaterThan(race.total)
  })

  it('the naive-rmw barrier is caught losing acknowledged completions', async () => {
    const result = await raceChord({ url: target(), backend: { barrier: 'naive-rmw' }, ...race, seed: 7 })
    expect(result.check.verdict).toBe('lost-acknowledged')
    expect(result.check.finalCount).toBeLessThan(race.total)
  })
})
