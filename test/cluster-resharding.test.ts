import { describe, expect, it } from 'vitest'
import { keySlot } from '../src/backend/key-slot.ts'
import { RedisResultBackend, type TaskMeta } from '../src/index.ts'
import type { StartedRedisServer } from '../src/servers/index.ts'
import { comparable, sampleMeta, uniqueId } from './support/meta.ts'
import { useSuiteCluster } from './support/topologies.ts'

const cluster = useSuiteCluster({ primaries: 3, replicasPerPrimary: 0 })

/** How often `node` has answered with `reply` (ASK, MOVED) since it started: INFO errorstats. */
async function redirections(node: StartedRedisServer, reply: 'ASK' | 'MOVED'): Promise<number> {
  const text = await node.withAdminClient(client => client.info('errorstats'))
  return Number(new RegExp(`^errorstat_${reply}:count=(\\d+)`, 'm').exec(text)?.[1] ?? 0)
}

/** A result whose key hashes to `slot`: task ids are tried until one does (1 in 16,384 does). */
function resultInSlot(backend: RedisResultBackend, slot: number): TaskMeta {
  for (let attempt = 0; attempt < 500_000; attempt++) {
    const taskId = `slot-${slot}-${attempt}`
    if (keySlot(backend.keys.result(taskId)) === slot) return sampleMeta({ taskId })
  }
  throw new Error(`no task id found for slot ${slot}`)
}

describe('resharding a slot that holds a live chord and a result', () => {
  it('keeps every operation working through ASK (keys moved, slot migrating) and MOVED (slot handed over)', async () => {
    await using backend = new RedisResultBackend({ cluster: cluster().addresses() })
    const chordId = uniqueId('resharded')
    const slot = keySlot(chordId)
    const source = await cluster().primaryForSlot(slot)
    const target = (await cluster().primaries()).find(primary => primary !== source)
    if (target === undefined) throw new Error('the cluster has a single primary')
    const pinned = resultInSlot(backend, slot)
    const spread = Array.from({ length: 50 }, () => sampleMeta())

    // Before: the chord is half done, the results are stored.
    await backend.chordInit({ chordId, total: 6 })
    await backend.chordCompleteTask(chordId, 't1')
    await backend.chordCompleteTask(chordId, 't2')
    await backend.storeResults([pinned, ...spread])
    const asksBefore = await redirections(source, 'ASK')

    // Migrating, keys still on the source: served there.
    const migration = await cluster().beginSlotMigration(slot, target)
    expect(await backend.chordCompleteTask(chordId, 't3')).toMatchObject({ completed: 3, counted: true })
    // Keys moved, slot still the source's: the source answers ASK, the client asks the target.
    expect(await migration.moveKeys()).toBe(4)
    expect(await backend.chordCompleteTask(chordId, 't4')).toMatchObject({ completed: 4, counted: true })
    expect(await backend.chordCompleteTask(chordId, 't1')).toMatchObject({ completed: 4, counted: false })
    await backend.storeResults([pinned, ...spread])
    expect(
      (await backend.getResults([pinned.taskId, ...spread.map(meta => meta.taskId)])).map(comparable),
    ).toEqual([pinned, ...spread].map(comparable))
    expect(await redirections(source, 'ASK')).toBeGreaterThan(asksBefore)

    // Handed over while the client's slot map still names the source: it answers MOVED.
    expect(await backend.getResult(pinned.taskId)).not.toBeNull()
    const movedBefore = await redirections(source, 'MOVED')
    await migration.finish()
    expect(await backend.chordCompleteTask(chordId, 't5')).toMatchObject({ completed: 5, counted: true })
    expect(await backend.chordCompleteTask(chordId, 't6')).toEqual({
      completed: 6,
      total: 6,
      isLast: true,
      counted: true,
    })
    expect((await backend.getResults([pinned.taskId]))[0]?.taskId).toBe(pinned.taskId)
    expect(await redirections(source, 'MOVED')).toBeGreaterThan(movedBefore)

    // The target holds everything now, exactly once.
    expect(await cluster().primaryForSlot(slot)).toBe(target)
    const keys = Object.values(backend.keys.chord(chordId))
    expect(
      await target.withAdminClient(client => client.exists(...keys, backend.keys.result(pinned.taskId))),
    ).toBe(4)
    expect(await source.withAdminClient(client => client.cluster('COUNTKEYSINSLOT', slot))).toBe(0)
    expect(await backend.chordGetState(chordId)).toMatchObject({ completed: 6, total: 6 })
  })
})
