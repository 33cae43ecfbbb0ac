import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisServer, type StartedRedisServer } from '../src/servers/index.ts'
import { ping } from './support/fail-fast-client.ts'

const defaultPassword = 'default "pass" word'
const reporterPassword = 'reporter-pass-7f3a'

describe('RedisServer with a password and ACL users', () => {
  let server: StartedRedisServer

  beforeAll(async () => {
    server = await new RedisServer({
      password: defaultPassword,
      users: [{ name: 'reporter', password: reporterPassword }],
    }).start()
  })

  afterAll(async () => {
    await server?.stop()
  })

  it('refuses a client without a password', async () => {
    await expect(ping({ port: server.port })).rejects.toThrow(/NOAUTH/)
  })

  it('refuses a wrong password for the default user and for an ACL user', async () => {
    await expect(ping({ port: server.port, password: 'wrong' })).rejects.toThrow(/WRONGPASS/)
    await expect(
      ping({ port: server.port, username: 'reporter', password: defaultPassword }),
    ).rejects.toThrow(/WRONGPASS/)
  })

  it('answers the right password for the default user and for an ACL user', async () => {
    expect(await ping({ port: server.port, password: defaultPassword })).toBe('PONG')
    expect(await ping({ port: server.port, username: 'reporter', password: reporterPassword })).toBe('PONG')
  })

  it('never shows a password in url(), info() or the server object', async () => {
    const shown = [server.url(), JSON.stringify(await server.info()), JSON.stringify(server), inspect(server)]
    for (const text of shown) {
      expect(text).not.toContain(defaultPassword)
      expect(text).not.toContain(reporterPassword)
    }
  })

  it('redacts passwords from the error of a server that refuses its ACL rules', async () => {
    const start = new RedisServer({
      password: defaultPassword,
      users: [{ name: 'broken', password: reporterPassword, rules: 'not-an-acl-rule' }],
    }).start()
    const error: unknown = await start.then(
      started => started.stop().then(() => undefined),
      (rejection: unknown) => rejection,
    )
    expect(error).toBeInstanceOf(Error)
    const message = (error as Error).message
    expect(message).toMatch(/exited before it was ready/)
    expect(message).toContain('[redacted]')
    expect(message).not.toContain(defaultPassword)
    expect(message).not.toContain(reporterPassword)
  })
})
