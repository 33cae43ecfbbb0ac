import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isProcessRunning } from '../src/servers/process-liveness.ts'

const fixture = fileURLToPath(new URL('./support/exit-fixture.ts', import.meta.url))

describe('a process that exits without stopping its servers', () => {
  it('takes them down with it', async () => {
    const owner = spawn(process.execPath, ['--import', 'tsx', fixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let server: { pid: number; dir: string } | undefined
    try {
      let output = ''
      owner.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk
      })
      await once(owner, 'exit', { signal: AbortSignal.timeout(15_000) })
      server = JSON.parse(output) as { pid: number; dir: string }
      expect(owner.exitCode).toBe(0)
      expect(await becomesTrue(() => !isProcessRunning(server?.pid ?? 0), 2_000)).toBe(true)
    } finally {
      owner.kill('SIGKILL')
      if (server !== undefined) {
        if (isProcessRunning(server.pid)) process.kill(server.pid, 'SIGKILL')
        await rm(server.dir, { recursive: true, force: true })
        // The killed server was orphaned, so init reaps it, not us: wait (bounded, without failing)
        // until it has left the process table, so the run ends with no redis-server listed at all.
        const pid = server.pid
        await becomesTrue(() => !existsSync(`/proc/${pid}`), 5_000)
      }
    }
  })
})

/** Whether `condition` becomes true within `timeoutMs`, checking every 20 ms. */
async function becomesTrue(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (let check = 0; check < timeoutMs / 20 && Date.now() < deadline; check++) {
    if (condition()) return true
    await delay(20)
  }
  return condition()
}
