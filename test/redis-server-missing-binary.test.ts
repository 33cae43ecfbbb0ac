import { afterEach, describe, expect, it } from 'vitest'
import { RedisServer } from '../src/servers/index.ts'

const installHint =
  'Install it: sudo apt-get install redis-server (Debian/Ubuntu), ' +
  'or set REDIS_SERVER_BIN to another binary such as valkey-server.'

describe('RedisServer with a missing binary', () => {
  const binaryBefore = process.env.REDIS_SERVER_BIN

  afterEach(() => {
    if (binaryBefore === undefined) delete process.env.REDIS_SERVER_BIN
    else process.env.REDIS_SERVER_BIN = binaryBefore
  })

  it('rejects with a message naming the binary and how to install one', async () => {
    await expect(new RedisServer({ binary: '/nonexistent/redis-server' }).start()).rejects.toThrow(
      `redis-server not found (looked for "/nonexistent/redis-server"). ${installHint}`,
    )
  })

  it('looks for REDIS_SERVER_BIN when no binary is given', async () => {
    process.env.REDIS_SERVER_BIN = '/nonexistent/valkey-server'
    await expect(new RedisServer().start()).rejects.toThrow(
      `redis-server not found (looked for "/nonexistent/valkey-server"). ${installHint}`,
    )
  })
})
