import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { CompletionRecord } from '../../src/history/chord-check.ts'
import { killOnProcessExit } from '../../src/servers/child-registry.ts'
import { lastLines } from '../../src/servers/log-tail.ts'
import { forkWorker, killIfRunning } from '../support/forked-worker.ts'
import { withTimeout } from '../support/with-timeout.ts'
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

/** Parent to a forked Node completer: the job (answered once connected and set up), then go (answered with the records). */
export type ToCompleter = { type: 'job'; job: CompletionJob } | { type: 'go' }

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
  const worker = forkWorker<ToCompleter>(completerEntry, `completer ${job.peerId}`)
  let go = () => {}
  const started = new Promise<void>(resolve => {
    go = resolve
  })
  const ready = worker.request<null>({ type: 'job', job }, readyTimeoutMs).then(() => undefined)
  const done = ready
    .then(() => started)
    .then(() => worker.request<CompletionRecord[]>({ type: 'go' }, runTimeoutMs))
    .then(records => {
      worker.close()
      return records
    })
  return { ready, go: () => go(), done, stop: () => worker.stop() }
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
  return { ready, go: () => child.stdin?.write('go\n'), done, stop: () => killIfRunning(child) }
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
    killIfRunning(child)
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
