import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { RedisResultBackend } from '../src/index.ts'
import { RedisCluster } from '../src/servers/index.ts'
import { sampleMeta } from './support/meta.ts'
import { ownServerDirectories, useSuiteCluster } from './support/topologies.ts'

const cluster = useSuiteCluster({ primaries: 3, replicasPerPrimary: 1, profile: 'aof-everysec' })

describe('RedisCluster', () => {
  it('starts 3 primaries with a replica each, slots split evenly, every node on the chosen profile', async () => {
    const members = await cluster().topology()
    expect(members).toHaveLength(6)
    const primaries = members.filter(member => member.role === 'primary')
    expect(primaries).toHaveLength(3)
    expect(
      primaries.flatMap(member => member.slots).reduce((sum, [first, last]) => sum + last - first + 1, 0),
    ).toBe(16_384)
    for (const primary of primaries) {
      expect(members.filter(member => member.primary === primary.server)).toHaveLength(1)
    }
    const info = await cluster().nodes[0]?.info()
    expect(info?.aofEnabled).toBe(true)
    expect(info?.raw.cluster_enabled).toBe('1')
  })

  it("promotes a killed primary's replica on its own, and takes the old primary back as a replica", async () => {
    const [primary] = await cluster().primaries()
    if (primary === undefined) throw new Error('no primary')
    const [replica] = await cluster().replicasOf(primary)
    const outcome = await cluster().killPrimary(primary)
    expect(outcome.previous).toBe(primary)
    expect(outcome.promoted).toBe(replica)
    expect(primary.running).toBe(false)
    expect(await cluster().primaries()).toContain(replica)

    await primary.restart()
    await cluster().waitUntilHealthy()
    expect(await cluster().replicasOf(outcome.promoted)).toEqual([primary])
  })

  it('hands a primary over to its replica with CLUSTER FAILOVER', async () => {
    const [primary] = await cluster().primaries()
    if (primary === undefined) throw new Error('no primary')
    const [replica] = await cluster().replicasOf(primary)
    if (replica === undefined) throw new Error(`${primary.address} has no replica`)
    const outcome = await cluster().failover(replica)
    expect(outcome.promoted).toBe(replica)
    expect(await cluster().replicasOf(replica)).toEqual([primary])
    await expect(cluster().failover(replica)).rejects.toThrow(/is not a replica/)
  })

  it('builds 1-primary clusters by hand, where only a manual failover can promote', async () => {
    await using small = await new RedisCluster({ primaries: 1, replicasPerPrimary: 1 }).start()
    const [primary] = await small.primaries()
    if (primary === undefined) throw new Error('no primary')
    expect((await small.topology()).find(member => member.server === primary)?.slots).toEqual([[0, 16_383]])
    await expect(small.killPrimary(primary)).rejects.toThrow(/no majority of primaries/)
    const [replica] = await small.replicasOf(primary)
    if (replica === undefined) throw new Error('no replica')
    expect((await small.failover(replica)).promoted).toBe(replica)
  })

  it('starts a lone primary a cluster client can reach (it announces its own address)', async () => {
    await using lone = await new RedisCluster({ primaries: 1, replicasPerPrimary: 0 }).start()
    const [node] = lone.nodes
    const slots = (await node?.withAdminClient(client => client.call('CLUSTER', 'SLOTS'))) as unknown[][]
    expect(slots[0]?.[2]).toEqual([node?.host, node?.port, expect.any(String), []])
    await using backend = new RedisResultBackend(lone.url(), { maxRetriesPerRequest: 0 })
    await backend.storeResult(sampleMeta({ taskId: 'on-a-lone-primary' }))
    expect((await backend.getResult('on-a-lone-primary'))?.taskId).toBe('on-a-lone-primary')
  })

  describe('clean-up', () => {
    const cliBefore = process.env.REDIS_CLI_BIN
    afterEach(() => {
      if (cliBefore === undefined) delete process.env.REDIS_CLI_BIN
      else process.env.REDIS_CLI_BIN = cliBefore
    })

    it('stops every node and removes every directory when joining fails', async () => {
      const before = await ownServerDirectories()
      process.env.REDIS_CLI_BIN = '/nonexistent/redis-cli'
      await expect(new RedisCluster({ primaries: 3, replicasPerPrimary: 0 }).start()).rejects.toThrow(
        /redis-cli not found/,
      )
      expect(await ownServerDirectories()).toEqual(before)
    })

    it('stop() ends every process and removes every directory', async () => {
      const started = await new RedisCluster({ primaries: 3, replicasPerPrimary: 0 }).start()
      const pids = started.nodes.map(node => node.pid)
      await started.stop()
      for (const pid of pids)
        expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }))
      for (const node of started.nodes) expect(existsSync(node.dir)).toBe(false)
    })
  })
})
