import { afterEach, describe, expect, it } from 'vitest'
import { RedisServer, startRedisForSuite } from '../src/servers/index.ts'
import { ping } from './support/fail-fast-client.ts'

describe('startRedisForSuite', () => {
  const urlBefore = process.env.REDIS_URL

  afterEach(() => {
    if (urlBefore === undefined) delete process.env.REDIS_URL
    else process.env.REDIS_URL = urlBefore
  })

  it('uses the server named by REDIS_URL and never stops, kills or restarts it', async () => {
    const server = await new RedisServer().start()
    try {
      process.env.REDIS_URL = server.url()
      const handle = await startRedisForSuite({ profile: 'aof-always' })
      expect(handle.external).toBe(true)
      expect(handle.url()).toBe(server.url())
      await expect(handle.kill()).rejects.toThrow('kill() is not available on an external server')
      await expect(handle.restart()).rejects.toThrow('restart() is not available on an external server')
      await handle.stop()
      await handle[Symbol.asyncDispose]()
      expect(await ping({ port: server.port })).toBe('PONG')
      expect((await server.info()).pid).toBe(server.pid)
    } finally {
      await server.stop()
    }
  })

  it('refuses a REDIS_URL that is not a redis URL, without repeating it', async () => {
    process.env.REDIS_URL = 'http://user:hunter2@127.0.0.1:6379'
    await expect(startRedisForSuite()).rejects.toThrow('REDIS_URL must start with redis:// or rediss://')
    process.env.REDIS_URL = 'not a url hunter2'
    const error = await startRedisForSuite().then(
      () => undefined,
      (rejection: unknown) => rejection,
    )
    expect((error as Error).message).toMatch(/REDIS_URL is not a valid URL/)
    expect((error as Error).message).not.toContain('hunter2')
  })

  it('starts its own server when REDIS_URL is not set', async () => {
    delete process.env.REDIS_URL
    const handle = await startRedisForSuite()
    try {
      expect(handle.external).toBe(false)
      expect(handle.url()).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/)
      expect(await ping({ port: Number(new URL(handle.url()).port) })).toBe('PONG')
    } finally {
      await handle.stop()
    }
  })
})
