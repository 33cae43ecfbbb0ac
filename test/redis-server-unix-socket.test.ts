import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { RedisServer } from '../src/servers/index.ts'
import { ping } from './support/fail-fast-client.ts'

describe('RedisServer with a unix socket', () => {
  it('answers PING on <dir>/redis.sock, which only its owner may open', async () => {
    const server = await new RedisServer({ unixSocket: true }).start()
    try {
      expect(server.unixSocketPath).toBe(`${server.dir}/redis.sock`)
      const socketPath = server.unixSocketPath ?? ''
      expect((await stat(socketPath)).mode & 0o777).toBe(0o700)
      expect(await ping({ path: socketPath })).toBe('PONG')
    } finally {
      await server.stop()
    }
  })

  it('has no socket unless asked for one', async () => {
    const server = await new RedisServer().start()
    try {
      expect(server.unixSocketPath).toBeUndefined()
    } finally {
      await server.stop()
    }
  })
})
