import { readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { isProcessRunning, readCommandLine } from './process-liveness.ts'
import { serverDirLayout, serverDirPrefix } from './server-dir.ts'

const goneTimeoutMs = 2_000
const goneCheckIntervalMs = 20

/**
 * Cleans up after Node processes that died without stopping their servers (a crashed or killed
 * test worker): SIGKILLs each redis-server recorded in a `chordlab-redis-*` directory whose owning
 * process is gone, waits until it is gone, and removes the directory. Directories of live owners
 * are left alone, so a concurrent test run keeps its servers. Returns how many processes it killed.
 */
export async function sweepLeftoverServers(): Promise<number> {
  const entries = await readdir(tmpdir(), { withFileTypes: true })
  let killed = 0
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(serverDirPrefix)) continue
    const layout = serverDirLayout(join(tmpdir(), entry.name))
    const owner = await readPid(layout.ownerPath)
    if (owner === undefined || isProcessRunning(owner)) continue
    const serverPid = await readPid(layout.pidPath)
    if (serverPid !== undefined && isLeftoverServer(serverPid) && sigkill(serverPid)) {
      await waitUntilGone(serverPid)
      killed++
    }
    await rm(layout.dir, { recursive: true, force: true })
  }
  return killed
}

// The pid file may be stale and its pid reused since: only a process that still looks like a Redis
// server (Valkey included) is killed.
function isLeftoverServer(pid: number): boolean {
  const commandLine = readCommandLine(pid)
  return isProcessRunning(pid) && commandLine !== undefined && /redis|valkey/i.test(commandLine)
}

/** False when the process ended by itself since it was looked at. */
function sigkill(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL')
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  const deadline = Date.now() + goneTimeoutMs
  for (let check = 0; check < goneTimeoutMs / goneCheckIntervalMs && Date.now() < deadline; check++) {
    if (!isProcessRunning(pid)) return
    await delay(goneCheckIntervalMs)
  }
  throw new Error(`leftover redis-server (pid ${pid}) was still running ${goneTimeoutMs} ms after SIGKILL`)
}

async function readPid(path: string): Promise<number | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return undefined
  }
  const pid = Number(text.trim())
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}
