import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { RedisServer, sweepLeftoverServers } from '../src/servers/index.ts'
import { isProcessRunning } from '../src/servers/process-liveness.ts'
import { serverDirLayout } from '../src/servers/server-dir.ts'
import { ping } from './support/fail-fast-client.ts'

/** The pid of a process that has just exited: an owner that is gone. */
async function pidOfAnEndedProcess(): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', 'console.log(process.pid)'])
  return Number(stdout.trim())
}

describe('sweepLeftoverServers', () => {
  it('kills a server whose owning process is gone, and removes its directory', async () => {
    const server = await new RedisServer().start()
    try {
      // Stands in for a test worker that crashed: the directory now names an owner that has ended.
      await writeFile(serverDirLayout(server.dir).ownerPath, `${await pidOfAnEndedProcess()}\n`)

      expect(await sweepLeftoverServers()).toBeGreaterThanOrEqual(1)

      expect(isProcessRunning(server.pid)).toBe(false)
      expect(existsSync(server.dir)).toBe(false)
    } finally {
      await server.stop()
    }
  })

  it('leaves alone a server whose owner is still running', async () => {
    const server = await new RedisServer().start()
    try {
      await sweepLeftoverServers()
      expect(await ping({ port: server.port })).toBe('PONG')
      expect(existsSync(server.dir)).toBe(true)
    } finally {
      await server.stop()
    }
  })
})
