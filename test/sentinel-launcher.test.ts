import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RedisSentinelGroup } from '../src/servers/index.ts'
import { ownServerDirectories, useSuiteSentinelGroup } from './support/topologies.ts'

const group = useSuiteSentinelGroup({ replicas: 2, sentinels: 3, profile: 'aof-everysec' })

describe('RedisSentinelGroup', () => {
  it('starts a primary, 2 replicas in sync and 3 sentinels that agree on the primary', async () => {
    const [first] = group().servers
    expect(group().servers).toHaveLength(3)
    expect(group().sentinels).toHaveLength(3)
    expect(await group().primary()).toBe(first)
    const roles = await Promise.all(
      group().servers.map(server => server.withAdminClient(client => client.role())),
    )
    expect(roles.map(role => (role as unknown[])[0])).toEqual(['master', 'slave', 'slave'])
    expect((await first?.info())?.aofEnabled).toBe(true)
  })

  it('promotes a replica when the primary is killed, and turns the old primary into a replica when it returns', async () => {
    const outcome = await group().killPrimary()
    expect(outcome.promoted).not.toBe(outcome.previous)
    expect(outcome.previous.running).toBe(false)
    expect((await outcome.promoted.withAdminClient(client => client.role()))[0]).toBe('master')

    await outcome.previous.restart()
    // Compared with whichever primary the group settles on: on a loaded machine the sentinels may
    // fail over once more meanwhile, which is theirs to decide.
    const settled = await group().waitUntilSettled()
    expect(settled).not.toBe(outcome.previous)
    const role = (await outcome.previous.withAdminClient(client => client.role())) as unknown[]
    expect([role[0], role[2], role[3]]).toEqual(['slave', settled.port, 'connected'])
  }, 60_000)

  it('names redis-sentinel when it is missing, and leaves no process or directory behind', async () => {
    const before = await ownServerDirectories()
    const starting = new RedisSentinelGroup({
      replicas: 1,
      sentinels: 1,
      sentinelBinary: '/nonexistent/redis-sentinel',
    })
    await expect(starting.start()).rejects.toThrow(
      'redis-sentinel not found (looked for "/nonexistent/redis-sentinel"). Install it: sudo apt-get install redis-sentinel',
    )
    expect(await ownServerDirectories()).toEqual(before)
  })

  it('stop() ends the sentinels and the data nodes and removes their directories', async () => {
    const started = await new RedisSentinelGroup({ replicas: 1, sentinels: 1 }).start()
    const processes = [...started.servers, ...started.sentinels]
    const pids = processes.map(process => process.pid)
    await started.stop()
    for (const pid of pids)
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }))
    for (const process of processes) expect(existsSync(process.dir)).toBe(false)
  })
})
