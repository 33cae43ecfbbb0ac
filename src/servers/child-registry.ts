import type { ChildProcess } from 'node:child_process'

const liveChildren = new Set<ChildProcess>()
let exitHandlerInstalled = false

/**
 * Makes sure `child` dies with this process: a test that forgets stop(), or a worker that calls
 * process.exit(), must not leave a redis-server behind. The 'exit' handler runs synchronously, so
 * it can only send signals, not wait; a worker killed outright is covered by sweepLeftoverServers().
 */
export function killOnProcessExit(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return
  if (!exitHandlerInstalled) {
    process.on('exit', killLiveChildren)
    exitHandlerInstalled = true
  }
  liveChildren.add(child)
  child.once('exit', () => liveChildren.delete(child))
}

function killLiveChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL')
}
