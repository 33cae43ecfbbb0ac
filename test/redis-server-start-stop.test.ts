import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RedisServer, type StartedRedisServer } from '../src/servers/index.ts'
import { ping } from './support/fail-fast-client.ts'

describe('RedisServer start and stop', () => {
  it('starts a server that answers PING and reports INFO', async () => {
    const server = await new RedisServer().start()
    try {
      expect(server.host).toBe('127.0.0.1')
      expect(server.url()).toBe(`redis://127.0.0.1:${server.port}`)
      expect(await ping({ port: server.port })).toBe('PONG')
      const info = await server.info()
      expect(info.version).toMatch(/^\d+\.\d+\.\d+$/)
      expect(info.usedMemory).toBeGreaterThan(0)
      expect(info.pid).toBe(server.pid)
      expect(info.aofEnabled).toBe(false)
    } finally {
      await server.stop()
    }
  })

  it('stop() ends the process and removes the directory, and a second stop() is harmless', async () => {
    const server = await new RedisServer().start()
    const { pid, dir } = server
    try {
      expect(existsSync(dir)).toBe(true)
      await server.stop()
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }))
      expect(existsSync(dir)).toBe(false)
      await expect(server.stop()).resolves.toBeUndefined()
    } finally {
      await server.stop()
    }
  })

  it('kill() ends the process but keeps the directory, which a later stop() removes', async () => {
    const server = await new RedisServer().start()
    const { pid, dir } = server
    try {
      await server.kill()
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }))
      expect(existsSync(dir)).toBe(true)
      await server.stop()
      expect(existsSync(dir)).toBe(false)
    } finally {
      await server.stop()
    }
  })

  it('restart() brings the server back on the same port and directory with a new pid', async () => {
    const server = await new RedisServer().start()
    try {
      const { port, dir, pid } = server
      await server.restart()
      expect([server.port, server.dir]).toEqual([port, dir])
      expect(server.pid).not.toBe(pid)
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }))
      expect((await server.info()).pid).toBe(server.pid)
      expect(await ping({ port })).toBe('PONG')
    } finally {
      await server.stop()
    }
  })

  it('gives servers started in parallel different ports and directories', async () => {
    const starts = await Promise.allSettled([new RedisServer().start(), new RedisServer().start()])
    const servers = starts.flatMap(start => (start.status === 'fulfilled' ? [start.value] : []))
    try {
      expect(starts.map(start => start.status)).toEqual(['fulfilled', 'fulfilled'])
      const [first, second] = servers as [StartedRedisServer, StartedRedisServer]
      expect(first.port).not.toBe(second.port)
      expect(first.dir).not.toBe(second.dir)
      expect(await ping({ port: first.port })).toBe('PONG')
      expect(await ping({ port: second.port })).toBe('PONG')
    } finally {
      await Promise.all(servers.map(server => server.stop()))
    }
  })
})
