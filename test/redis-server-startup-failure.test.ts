import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RedisServer } from '../src/servers/index.ts'

async function startFailure(server: RedisServer): Promise<Error> {
  const outcome: unknown = await server.start().then(
    started => started.stop().then(() => 'started'),
    (rejection: unknown) => rejection,
  )
  if (!(outcome instanceof Error)) throw new Error(`expected start() to fail, got ${String(outcome)}`)
  return outcome
}

function dirNamedIn(message: string): string {
  const dir = /dir (\S+)\)/.exec(message)?.[1]
  if (dir === undefined) throw new Error(`no dir in: ${message}`)
  return dir
}

describe('RedisServer that fails to start', () => {
  it('says the process exited, quotes what Redis said, and removes the directory', async () => {
    const error = await startFailure(new RedisServer({ config: { 'maxmemory-policy': 'not-a-policy' } }))
    expect(error.message).toMatch(/^redis-server exited before it was ready/)
    expect(error.message).toContain('FATAL CONFIG FILE ERROR')
    expect(error.message).toContain('not-a-policy')
    expect(existsSync(dirNamedIn(error.message))).toBe(false)
  })

  it('says it was not ready in time, with the last PING error and the log, and removes the dir', async () => {
    // The launcher authenticates with `password`, which the overriding requirepass makes wrong.
    const error = await startFailure(
      new RedisServer({ password: 'launcher-secret', config: { requirepass: 'other' }, startTimeoutMs: 500 }),
    )
    expect(error.message).toMatch(/^redis-server was not ready within 500 ms \(last PING error: WRONGPASS/)
    expect(error.message).toContain('Ready to accept connections')
    expect(error.message).not.toContain('launcher-secret')
    expect(existsSync(dirNamedIn(error.message))).toBe(false)
  })
})
