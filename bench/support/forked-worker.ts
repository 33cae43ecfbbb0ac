import { type ChildProcess, fork } from 'node:child_process'
import { killOnProcessExit } from '../../src/servers/child-registry.ts'
import { withTimeout } from './with-timeout.ts'

/**
 * A forked Node process (run through tsx) that a suite drives with requests over the IPC channel:
 * each request gets one answer, or a failure. Suites use it to put client work into processes of
 * its own (several processes load Redis the way several workers do, on more than one core).
 *
 * The parent side is forkWorker(); the worker's module calls serveRequests() with its handler.
 */

/** Parent to worker. `body` is whatever the worker's handler takes. */
interface RequestMessage {
  id: number
  body: unknown
}

/** Worker to parent: the handler's answer to request `id`, or why it threw. */
type ReplyMessage = { id: number; ok: true; body: unknown } | { id: number; ok: false; message: string }

export interface ForkedWorker<Request> {
  /**
   * Sends `body`; resolves with the handler's answer. Rejects when the handler throws, the worker
   * exits, or no answer comes within `timeoutMs`. The caller names the answer's type: it crossed
   * a process boundary as JSON.
   */
  request<Reply>(body: Request, timeoutMs: number): Promise<Reply>
  /** Closes the IPC channel; the worker exits on its own (serveRequests exits on disconnect). */
  close(): void
  /** SIGKILL, unless it has exited already. */
  stop(): void
}

/** Forks `entry` (a module that calls serveRequests) with tsx's loader; `label` names it in errors. */
export function forkWorker<Request>(entry: string, label: string): ForkedWorker<Request> {
  const child = fork(entry, [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  killOnProcessExit(child)
  let nextId = 0
  let exitCode: number | null | undefined
  child.once('exit', code => {
    exitCode = code
  })
  return {
    request<Reply>(body: Request, timeoutMs: number): Promise<Reply> {
      nextId += 1
      const id = nextId
      const answer = new Promise<Reply>((resolve, reject) => {
        if (exitCode !== undefined) return reject(new Error(`${label} exited with ${exitCode}`))
        const onMessage = (message: ReplyMessage) => {
          if (message.id !== id) return
          settle()
          if (message.ok) resolve(message.body as Reply)
          else reject(new Error(`${label}: ${message.message}`))
        }
        const onExit = (code: number | null) => {
          settle()
          reject(new Error(`${label} exited with ${code}`))
        }
        const settle = () => {
          child.off('message', onMessage)
          child.off('exit', onExit)
        }
        child.on('message', onMessage)
        child.once('exit', onExit)
        child.send({ id, body } satisfies RequestMessage)
      })
      return withTimeout(answer, timeoutMs, `${label} request ${id}`)
    },
    close: () => {
      if (child.connected) child.disconnect()
    },
    stop: () => killIfRunning(child),
  }
}

/**
 * The worker's side: answers every request with what `handle` resolves to (or its error), and
 * exits when the parent closes the channel or goes away. Requests are handled as they come; a
 * parent that needs one after another awaits each answer before sending the next.
 */
export function serveRequests<Request>(handle: (request: Request) => Promise<unknown>): void {
  process.on('disconnect', () => process.exit(0))
  process.on('message', async (message: RequestMessage) => {
    let reply: ReplyMessage
    try {
      reply = { id: message.id, ok: true, body: await handle(message.body as Request) }
    } catch (error) {
      reply = { id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) }
    }
    process.send?.(reply)
  })
}

/** SIGKILL `child` unless it has exited already. */
export function killIfRunning(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}
