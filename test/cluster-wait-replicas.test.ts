import { describe, expect, it } from 'vitest'
import { keySlot } from '../src/backend/key-slot.ts'
import { isBackendError, RedisResultBackend, type ReplicationError } from '../src/index.ts'
import type { StartedRedisServer } from '../src/servers/index.ts'
import { failureOf } from './support/errors.ts'
import { sampleMeta, uniqueId } from './support/meta.ts'
import { useSuiteCluster } from './support/topologies.ts'

const cluster = useSuiteCluster({ primaries: 3, replicasPerPrimary: 1 })
// A healthy WAIT can take a while on a loaded 2-core machine (the replica acknowledges on its own
// schedule), so healthy writes get a generous timeout; a write whose replica is dead waits out the
// whole timeout, so those get a short one.
const healthyWait = { waitReplicas: 1, waitTimeoutMs: 3_000 }
const wait = { waitReplicas: 1, waitTimeoutMs: 300 }

async function replicationFailure(action: Promise<unknown>): Promise<ReplicationError> {
  const error = await failureOf(action)
  if (!isBackendError(error, 'Replication'))
    throw new Error(`expected a Replication error, got ${String(error)}`)
  return error
}

/** A task id whose result key is served by `primary` (or by another primary, with `elsewhere`). */
async function taskIdServedBy(backend: RedisResultBackend, primary: StartedRedisServer, elsewhere = false) {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const taskId = uniqueId('task')
    const owner = await cluster().primaryForSlot(keySlot(backend.keys.result(taskId)))
    if ((owner === primary) !== elsewhere) return taskId
  }
  throw new Error('no task id found')
}

describe('waitReplicas on a cluster', () => {
  it('resolves while every primary has its replica, and reports a write its primary could not replicate', async () => {
    await using healthy = new RedisResultBackend({ cluster: cluster().addresses() }, healthyWait)
    await using backend = new RedisResultBackend({ cluster: cluster().addresses() }, wait)
    await using unchecked = new RedisResultBackend({ cluster: cluster().addresses() })
    const chordId = uniqueId('chord')
    const primary = await cluster().primaryForSlot(keySlot(chordId))
    const [replica] = await cluster().replicasOf(primary)
    if (replica === undefined) throw new Error(`${primary.address} has no replica`)

    // Healthy: every write is acknowledged by a replica of its own primary.
    await healthy.storeResults(Array.from({ length: 60 }, () => sampleMeta()))
    expect(await healthy.chordInit({ chordId, total: 2 })).toBe(true)
    expect(await healthy.chordCompleteTask(chordId, 'a')).toMatchObject({ completed: 1, isLast: false })

    await replica.kill()

    // The write that completes the chord is applied, but only the primary has it: the caller learns
    // both, and is still the one that fired the callback.
    const short = await replicationFailure(backend.chordCompleteTask(chordId, 'b'))
    expect(short.kind).toBe('Replication')
    expect(short.message).toMatch(
      /^Replication: chordCompleteTask on cluster .*: 0 of 1 replica\(s\) acknowledged/,
    )
    expect({ acknowledged: short.acknowledged, required: short.required }).toEqual({
      acknowledged: 0,
      required: 1,
    })
    expect(short.applied).toEqual({
      operation: 'chordCompleteTask',
      progress: { completed: 2, total: 2, isLast: true, counted: true },
    })
    expect(await backend.chordGetState(chordId)).toMatchObject({ completed: 2 })

    // Result writes on that primary fall short too; a batch counts its weakest primary.
    const onIt = sampleMeta({ taskId: await taskIdServedBy(backend, primary) })
    expect((await replicationFailure(backend.storeResult(onIt))).applied).toEqual({
      operation: 'storeResult',
    })
    const batch = await replicationFailure(
      backend.storeResults(Array.from({ length: 60 }, () => sampleMeta())),
    )
    expect(batch.applied).toEqual({ operation: 'storeResults' })
    expect(batch.acknowledged).toBe(0)
    expect((await backend.getResult(onIt.taskId))?.taskId).toBe(onIt.taskId)

    // A primary whose replica is up still confirms its writes.
    const elsewhere = sampleMeta({ taskId: await taskIdServedBy(backend, primary, true) })
    await expect(healthy.storeResult(elsewhere)).resolves.toBeUndefined()

    // Without waitReplicas the same unreplicated write is a silent success: what the option is for.
    await expect(
      unchecked.storeResult(sampleMeta({ taskId: await taskIdServedBy(backend, primary) })),
    ).resolves.toBeUndefined()
    expect((await replicationFailure(backend.chordInit({ chordId, total: 2 }))).applied).toEqual({
      operation: 'chordInit',
      created: false,
    })
  })
})
