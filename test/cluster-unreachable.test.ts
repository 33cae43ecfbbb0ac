import { describe, expect, it } from 'vitest'
import { RedisResultBackend } from '../src/index.ts'
import { expectBackendErrorWithin } from './support/errors.ts'
import { sampleMeta, uniqueId } from './support/meta.ts'
import { useSuiteCluster } from './support/topologies.ts'

const cluster = useSuiteCluster({ primaries: 3, replicasPerPrimary: 0, profile: 'aof-always' })

describe('a cluster that is wholly unreachable for a while', () => {
  it('fails with a Connection error, then works again once the nodes are back', async () => {
    await using backend = new RedisResultBackend(
      { cluster: cluster().addresses() },
      { maxRetriesPerRequest: 1 },
    )
    const meta = sampleMeta()
    await backend.storeResult(meta)

    await Promise.all(cluster().nodes.map(node => node.kill()))
    const error = await expectBackendErrorWithin(backend.getResult(meta.taskId), 'Connection', 10_000)
    expect(error.message).toMatch(/None of startup nodes is available \(last node error: /)
    // The client has given up on every node; the next command alone must start it connecting again.
    await expectBackendErrorWithin(backend.getResult(uniqueId()), 'Connection', 10_000)

    await Promise.all(cluster().nodes.map(node => node.restart()))
    await cluster().waitUntilHealthy()
    expect((await backend.getResult(meta.taskId))?.taskId).toBe(meta.taskId)
  })
})
