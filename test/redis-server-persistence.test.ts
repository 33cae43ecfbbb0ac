import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import {
  type PersistenceProfile,
  RedisServer,
  type RedisServerOptions,
  type StartedRedisServer,
} from '../src/servers/index.ts'
import { withClient } from './support/fail-fast-client.ts'

interface PersistenceCase {
  profile: PersistenceProfile
  savePoints?: RedisServerOptions['savePoints']
  /** How the process ends and comes back: after SIGKILL (a crash) or SIGTERM (a clean shutdown). */
  ending: 'kill, restart' | 'graceful restart' | 'ungraceful restart' | 'snapshot, kill, restart'
  survives: boolean
}

const cases: PersistenceCase[] = [
  { profile: 'aof-always', ending: 'kill, restart', survives: true },
  { profile: 'aof-always', ending: 'ungraceful restart', survives: true },
  { profile: 'none', ending: 'kill, restart', survives: false },
  { profile: 'none', ending: 'graceful restart', survives: false },
  { profile: 'rdb', ending: 'graceful restart', survives: true },
  // No snapshot can be due within the hour, so the write exists only in memory when the process dies.
  { profile: 'rdb', savePoints: [[3600, 1]], ending: 'ungraceful restart', survives: false },
  { profile: 'rdb', ending: 'snapshot, kill, restart', survives: true },
  { profile: 'aof-everysec', ending: 'graceful restart', survives: true },
  { profile: 'aof-no', ending: 'graceful restart', survives: true },
]

describe('RedisServer persistence profiles', () => {
  it.each(cases)('$profile, $ending: key survives = $survives', async testCase => {
    const options: RedisServerOptions = { profile: testCase.profile }
    if (testCase.savePoints !== undefined) options.savePoints = testCase.savePoints
    const server = await new RedisServer(options).start()
    try {
      expect((await server.info()).aofEnabled).toBe(testCase.profile.startsWith('aof-'))
      expect(await withClient({ port: server.port }, client => client.set('greeting', 'hello'))).toBe('OK')
      const pidBefore = server.pid

      await endAndRestart(server, testCase.ending)

      expect(server.pid).not.toBe(pidBefore)
      const value = await withClient({ port: server.port }, client => client.get('greeting'))
      expect(value).toBe(testCase.survives ? 'hello' : null)
    } finally {
      await server.stop()
    }
  })
})

async function endAndRestart(server: StartedRedisServer, ending: PersistenceCase['ending']): Promise<void> {
  switch (ending) {
    case 'graceful restart':
      return server.restart()
    case 'ungraceful restart':
      return server.restart({ graceful: false })
    case 'snapshot, kill, restart':
      await waitForSnapshot(server)
      break
    case 'kill, restart':
      break
  }
  await server.kill()
  await server.restart()
}

async function waitForSnapshot(server: StartedRedisServer): Promise<void> {
  const deadline = Date.now() + 5_000
  for (let check = 0; check < 100 && Date.now() < deadline; check++) {
    if ((await server.info()).rdbChangesSinceLastSave === 0) return
    await delay(50)
  }
  throw new Error('no RDB snapshot within 5 s although the save point is 1 s')
}
