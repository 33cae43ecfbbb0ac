import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `chordlab …` as a user would (REDIS_URL unset, so only what the arguments name is used). */
function chordlab(args: string[], timeoutMs = 30_000): Promise<CliRun> {
  const env = { ...process.env, REDIS_URL: '', CI: '1' }
  return new Promise(resolve => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      { env, timeout: timeoutMs, killSignal: 'SIGTERM' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

describe('the chordlab command line', () => {
  it('lists its commands and the Redis URL forms on --help', async () => {
    const run = await chordlab(['--help'])
    expect(run.code).toBe(0)
    for (const command of ['demo', 'bench', 'props', 'chaos', 'toxiproxy']) {
      expect(run.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'))
    }
    expect(run.stdout).toContain('redis+cluster://host:port,…')
  })

  it('answers a usage mistake with one line and exit code 2', async () => {
    const [unknown, both, topology, ...bench] = await Promise.all([
      chordlab(['frobnicate']),
      chordlab(['demo', '--topology', 'cluster', '--redis-url', 'redis://127.0.0.1:1']),
      chordlab(['demo', '--topology', 'mesh']),
      chordlab(['bench', '--replicas', '1']),
      chordlab(['bench', '--topology', 'cluster', '--redis-url', 'redis://127.0.0.1:1']),
      chordlab(['bench', '--suite', 'latency', '--redis-url', 'redis+cluster://127.0.0.1:1']),
    ])
    expect(bench.map(run => [run.code, run.stderr.trim()])).toEqual([
      [2, 'chordlab bench: --replicas goes with --topology cluster'],
      [
        2,
        'chordlab bench: --redis-url is for the single-server suites; --topology cluster and --suite peers start their own servers',
      ],
      [
        2,
        'chordlab bench: the single-server suites take a redis:// or rediss:// URL; --topology cluster benches clusters it starts',
      ],
    ])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^chordlab: unknown command "frobnicate"/)
    expect({ code: both.code, stderr: both.stderr.trim() }).toEqual({
      code: 2,
      stderr: 'chordlab demo: give --topology (Redis chordlab starts) or a Redis URL, not both',
    })
    expect(topology.code).toBe(2)
    expect(topology.stderr).toMatch(/--topology must be one of single, cluster, sentinel/)
  })

  it('answers an unreachable or malformed target with its typed error in one line, hiding the password', async () => {
    const [unreachable, malformed] = await Promise.all([
      chordlab(['demo', '--redis-url', 'redis+cluster://app:cli-secret@127.0.0.1:1']),
      chordlab(['demo', '--redis-url', 'redis+sentinel://:cli-secret@127.0.0.1:1']),
    ])
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr.trim()).toMatch(/^chordlab demo: Connection: .*cluster 127\.0\.0\.1:1/)
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1)
    expect(malformed.code).toBe(1)
    expect(malformed.stderr).toMatch(
      /^chordlab demo: InvalidInput: invalid Redis URL redis\+sentinel:\/\/:\*\*\*@/,
    )
    for (const run of [unreachable, malformed]) expect(run.stdout + run.stderr).not.toContain('cli-secret')
  })

  it('runs the demo on a 3-primary cluster it starts: the reference barrier exact, the broken ones caught', async () => {
    const run = await chordlab(['demo', '--topology', 'cluster', '--tasks', '200', '--workers', '8'], 60_000)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Redis: a 3-primary cluster .*redis\+cluster:\/\//m)
    expect(run.stdout).toMatch(/^ {2}reference {2}exact +1 +200 /m)
    expect(run.stdout).toMatch(/^ {2}seed-incr {2}duplicate-applied /m)
  }, 60_000)
})
