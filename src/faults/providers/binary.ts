import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { accessSync, constants } from 'node:fs'
import path from 'node:path'
import { killOnProcessExit } from '../../servers/child-registry.ts'
import { findFreePort } from '../../servers/free-port.ts'
import { waitForToxiproxyApi } from '../wait-for-api.ts'
import type { ProviderAttempt } from './attempt.ts'

const binaryName = 'toxiproxy-server'
const startTimeoutMs = 10_000
const stopTimeoutMs = 5_000

/** Spawns `toxiproxy-server` from PATH on 127.0.0.1 and a free port; stopped with the handle. */
export async function toxiproxyFromBinary(searchPath: string | undefined): Promise<ProviderAttempt> {
  const binary = findOnPath(binaryName, searchPath ?? '')
  if (binary === undefined) return { skipped: `${binaryName} is not on PATH` }
  const port = await findFreePort()
  const child = spawn(binary, ['-host', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' })
  await once(child, 'spawn')
  killOnProcessExit(child)
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    try {
      await once(child, 'exit', { signal: AbortSignal.timeout(stopTimeoutMs) })
    } catch {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
  }
  const apiUrl = `http://127.0.0.1:${port}`
  try {
    const version = await waitForToxiproxyApi(apiUrl, startTimeoutMs)
    return {
      provided: {
        kind: 'binary',
        apiUrl,
        description: `${binaryName} ${version} (${binary}), spawned on ${apiUrl}`,
        release: stop,
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue
    const candidate = path.join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined
}
