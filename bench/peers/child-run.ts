import { type ChildProcess, fork, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { CompletionRecord } from '../../src/history/chord-check.ts'
import { killOnProcessExit } from '../../src/servers/child-registry.ts'
import { lastLines } from '../../src/servers/log-tail.ts'
import type { ChordSpec, Handoff } from './adapter.ts'

/** What one completing process is asked to do. The URL may carry a password: it goes over a pipe only. */
export interface CompletionJob {
  peerId: string
  url: string
  chord: ChordSpec
  handoff: Handoff
  /** Task ids in the order this process delivers them. */
  deliveries: string[]
  /** Calls outstanding at a time (Node only; a Python process completes one at a time). */
  inFlight: number
}

/** Parent to a forked Node completer. */
export type ToCompleter = { type: 'job'; job: CompletionJob } | { type: 'go' }
/** A forked Node completer to its parent. */
export type FromCompleter =
  | { type: 'ready' }
  | { type: 'done'; records: CompletionRecord[] }
  | { type: 'failed'; message: string }

/** One process completing part of a chord: ready once connected, running after go(). */
export interface ChildRun {
  ready: Promise<void>
  go(): void
  done: Promise<CompletionRecord[]>
  stop(): void
}

/** tsx's loader in a fork takes seconds on a busy machine; runs are bounded by the profile. */
const readyTimeoutMs = 60_000
const runTimeoutMs = 300_000

const completerEntry = fileURLToPath(new URL('./completer-process.ts', import.meta.url))
export const peersPythonDirectory = fileURLToPath(new URL('./python/', import.meta.url))

/**
 * Debian's interpreter, where `apt-get install python3-celery python3-redis` puts Celery; the same
 * variable as the interop suite's (interop/support/python.ts) names another one.
 */
export const pythonBinary = process.env.CHORDLAB_INTEROP_PYTHON || '/usr/bin/python3'

/** A forked Node process (tsx) running completer-process.ts. */
export function forkNodeCompleter(job: CompletionJob): ChildRun {
  const child = fork(completerEntry, [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  killOnProcessExit(child)
  const messages = (type: FromCompleter['type'], timeoutMs: number) =>
    withTimeout(
      new Promise<FromCompleter>((resolve, reject) => {
        child.on('message', (message: FromCompleter) => {
          if (message.type === 'failed') reject(new Error(`completer ${job.peerId}: ${message.message}`))
          else if (message.type === type) resolve(message)
        })
        child.once('exit', code => reject(new Error(`completer ${job.peerId} exited with ${code}`)))
      }),
      timeoutMs,
      `completer ${job.peerId} ${type}`,
    )
  const send = (message: ToCompleter) => child.send(message)
  send({ type: 'job', job })
  const ready = messages('ready', readyTimeoutMs).then(() => undefined)
  const done = ready
    .then(() => messages('done', runTimeoutMs))
    .then(message => {
      child.disconnect()
      return message.type === 'done' ? message.records : []
    })
  return { ready, go: () => send({ type: 'go' }), done, stop: () => stopChild(child) }
}

/** Python record: [taskId, startedAt, endedAt, 'ok', completed, isLast] or [taskId, startedAt, endedAt, 'unknown', reason]. */
type PythonRecord =
  | [string, number, number, 'ok', number, boolean]
  | [string, number, number, 'unknown', string]

/** A Python process running `script` with the line protocol of bench/peers/python. */
export function spawnPythonCompleter(script: string, input: Record<string, unknown>): ChildRun {
  const child = spawnPython(script)
  const lines = lineReader(child)
  child.stdin?.write(`${JSON.stringify({ ...input, action: 'complete' })}\n`)
  const ready = lines.next('ready', readyTimeoutMs).then(() => undefined)
  const done = ready
    .then(() => lines.next('records', runTimeoutMs))
    .then(output => (output.records as PythonRecord[]).map(pythonRecord))
  return { ready, go: () => child.stdin?.write('go\n'), done, stop: () => stopChild(child) }
}

/** Runs a one-shot action of `script` and returns the JSON object it printed. */
export async function runPythonAction(
  script: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const child = spawnPython(script)
  try {
    const lines = lineReader(child)
    child.stdin?.write(`${JSON.stringify(input)}\n`)
    return await lines.next(null, readyTimeoutMs)
  } finally {
    stopChild(child)
  }
}

function pythonRecord(record: PythonRecord): CompletionRecord {
  const [taskId, startedAt, endedAt] = record
  return record[3] === 'ok'
    ? { taskId, startedAt, endedAt, outcome: 'ok', completed: record[4], isLast: record[5] }
    : { taskId, startedAt, endedAt, outcome: 'unknown' }
}

function spawnPython(script: string): ChildProcess {
  const { PYTHONPATH: _path, PYTHONHOME: _home, PYTHONSTARTUP: _startup, ...environment } = process.env
  const child = spawn(pythonBinary, [join(peersPythonDirectory, script)], {
    cwd: peersPythonDirectory,
    env: {
      ...environment,
      PYTHONDONTWRITEBYTECODE: '1',
      // interop_app.stop_when_orphaned: the script exits when this process is gone.
      CHORDLAB_INTEROP_PARENT_PID: String(process.pid),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  killOnProcessExit(child)
  return child
}

/** JSON objects printed one per line; `next(key)` waits for the first one holding `key`. */
function lineReader(child: ChildProcess) {
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const queue: Array<Record<string, unknown>> = []
  const waiters: Array<() => void> = []
  let exited = false
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', line => {
      try {
        queue.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        return
      }
      for (const wake of waiters.splice(0)) wake()
    })
  }
  child.once('close', () => {
    exited = true
    for (const wake of waiters.splice(0)) wake()
  })
  const failure = (what: string) => new Error(`${what}; python stderr ends with:\n${lastLines(stderr, 12)}`)
  return {
    async next(key: string | null, timeoutMs: number): Promise<Record<string, unknown>> {
      const found = async (): Promise<Record<string, unknown>> => {
        for (;;) {
          const index = queue.findIndex(output => key === null || key in output)
          if (index >= 0) return queue.splice(index, 1)[0] as Record<string, unknown>
          if (exited) throw failure(`python exited before printing ${key ?? 'its output'}`)
          await new Promise<void>(resolve => waiters.push(resolve))
        }
      }
      return withTimeout(found(), timeoutMs, `python ${key ?? 'output'}`)
    },
  }
}

function stopChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
