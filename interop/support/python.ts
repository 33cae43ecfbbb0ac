import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe } from 'vitest'
import { killOnProcessExit } from '../../src/servers/child-registry.ts'
import { lastLines } from '../../src/servers/log-tail.ts'

/**
 * Debian's interpreter, which is where `apt-get install python3-celery python3-redis` puts Celery;
 * another python3 (pyenv, a virtualenv) may come first on PATH and lack it. CHORDLAB_INTEROP_PYTHON
 * names another one on purpose, e.g. a virtualenv with a newer Celery from PyPI.
 */
export const pythonBinary = process.env.CHORDLAB_INTEROP_PYTHON || '/usr/bin/python3'

/** The suite's Python scripts, and the working directory they and the worker run in. */
export const pythonDirectory = fileURLToPath(new URL('../python/', import.meta.url))

let unavailableReason: string | null | undefined

/** Why the interop suite cannot run here, or null when Celery and redis-py import. */
export function celeryUnavailableReason(): string | null {
  if (unavailableReason !== undefined) return unavailableReason
  const probe = spawnSync(pythonBinary, ['-c', 'import celery, redis'], {
    env: pythonEnvironment(),
    encoding: 'utf8',
    timeout: 30_000,
  })
  if (probe.error) unavailableReason = `${pythonBinary} cannot run (${probe.error.message})`
  else if (probe.status !== 0) {
    unavailableReason = `${pythonBinary} cannot import celery and redis (apt-get install python3-celery python3-redis)`
  } else unavailableReason = null
  return unavailableReason
}

/**
 * A describe block that runs only where Celery is installed. Elsewhere it is skipped with the reason
 * in its title, and the reason is printed once per test run (every test file of the suite asks).
 */
export function describeWithCelery(title: string, body: () => void): void {
  const reason = celeryUnavailableReason()
  if (reason !== null) noteOncePerRun(`interop suite skipped: ${reason}`)
  describe.skipIf(reason !== null)(reason === null ? title : `${title} (skipped: ${reason})`, body)
}

/**
 * Every test file runs in its own process under one vitest process, so "once" is a marker file
 * named after that parent; the first file to create it prints.
 */
function noteOncePerRun(line: string): void {
  try {
    closeSync(openSync(join(tmpdir(), `chordlab-interop-skip-note-${process.ppid}`), 'wx'))
  } catch {
    return
  }
  console.warn(line)
}

/** The environment for Python: without the variables that would let another installation's modules in. */
export function pythonEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PYTHONPATH: _path, PYTHONHOME: _home, PYTHONSTARTUP: _startup, ...rest } = process.env
  return {
    ...rest,
    // Keeps interop/python free of __pycache__ directories.
    PYTHONDONTWRITEBYTECODE: '1',
    // The Python side exits when this process is gone (interop_app.stop_when_orphaned).
    CHORDLAB_INTEROP_PARENT_PID: String(process.pid),
    ...extra,
  }
}

export class PythonScriptError extends Error {
  override readonly name = 'PythonScriptError'
}

/** Sends SIGTERM, then SIGKILL if `child` has not exited after `graceMs`; resolves once it has exited. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  try {
    await exited
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs `interop/python/<script>` with `input` as JSON on stdin and returns the JSON object it
 * prints. The script bounds its own waits; `timeoutMs` is the backstop, after which it is stopped.
 */
export async function runPythonScript(script: string, input: unknown, timeoutMs = 60_000): Promise<unknown> {
  const child = spawn(pythonBinary, [join(pythonDirectory, script)], {
    cwd: pythonDirectory,
    env: pythonEnvironment(),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  killOnProcessExit(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', code => resolve(code))
  })
  child.stdin.end(JSON.stringify(input))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    void terminate(child, 2_000)
  }, timeoutMs)
  let code: number | null
  try {
    code = await exited
  } finally {
    clearTimeout(timer)
  }
  const fail = (what: string) =>
    new PythonScriptError(`${script} ${what}; its stderr ends with:\n${lastLines(stderr, 15)}`)
  if (timedOut) throw fail(`was stopped after ${timeoutMs} ms`)
  if (code !== 0) throw fail(`exited with code ${code}`)
  try {
    return JSON.parse(lastLines(stdout, 1)) as unknown
  } catch {
    throw fail(`printed no JSON (stdout: ${JSON.stringify(stdout.slice(0, 200))})`)
  }
}
