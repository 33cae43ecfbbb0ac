import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { runDirectory } from '../src/report/run-results.ts'
import type { RunResults } from '../src/report/schema.ts'
import { benchSection } from '../src/report/sections/bench.ts'
import { type BenchSectionData, parseBenchSection } from '../src/report/sections/bench-data.ts'
import { writeReport } from '../src/report/write-report.ts'
import type { BenchProfile } from './profiles.ts'
import { runBench } from './run-bench.ts'

/** The same code paths as `quick`, a fraction of a second each: this checks the shape, never the speed. */
const smokeProfile: BenchProfile = {
  name: 'smoke',
  latency: { rounds: 2, roundMs: 15, concurrency: 4 },
  batchSize: 10,
  throughput: { rounds: 2, roundMs: 40, storeBatch: 50, storeInFlight: 2, completionsInFlight: 16 },
  http: { rounds: 1, roundSeconds: 0.2, connections: 2 },
  persistence: { rounds: 1, roundMs: 15 },
  spec: { memoryKeys: 200, chordTasks: 20, latencyRounds: 1, latencyRoundMs: 15 },
}

const external = Boolean(process.env.REDIS_URL)
const out = mkdtempSync(path.join(tmpdir(), 'chordlab-bench-smoke-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

function ran<T extends { status: string }>(outcome: T | undefined): Extract<T, { status: 'ran' }> {
  if (outcome?.status !== 'ran') return expect.fail(`the suite did not run: ${JSON.stringify(outcome)}`)
  return outcome as Extract<T, { status: 'ran' }>
}

describe('a tiny run of every bench suite against a real redis-server', () => {
  let results: RunResults
  let bench: BenchSectionData

  test('runs every suite and returns results the renderer can parse', { timeout: 60_000 }, async () => {
    results = await runBench({
      profile: smokeProfile,
      ...(external ? { redisUrl: process.env.REDIS_URL as string } : {}),
    })
    bench = parseBenchSection(results.sections.bench)
    expect(bench.settings.suites).toEqual(['latency', 'throughput', 'http', 'persistence', 'spec'])
    expect(results.environment.redis.version).toMatch(/^\d+\.\d+/)
  })

  test('times every operation, at 1 and at the higher concurrency, against its controls', () => {
    const latency = ran(bench.latency)
    expect(latency.concurrencyLevels).toEqual([1, 4])
    const names = new Set(latency.operations.map(operation => operation.operation))
    expect([...names]).toEqual([
      'storeResult (TTL)',
      'storeResult (no TTL)',
      'getResult (hit)',
      'getResult (miss)',
      'deleteResult',
      'setExpiration',
      'chordInit',
      'chordCompleteTask',
      'chordGetState',
      'storeResults (10)',
      'getResults (10)',
    ])
    expect(latency.operations).toHaveLength(22)
    for (const operation of latency.operations) {
      expect(operation.subject.samples, operation.operation).toBeGreaterThan(0)
      expect(operation.controls.length, operation.operation).toBeGreaterThan(0)
      for (const comparison of operation.controls) {
        expect(comparison.p50.perRound, `${operation.operation} vs ${comparison.control}`).toHaveLength(2)
        expect(comparison.p50.median).toBeGreaterThan(0)
      }
    }
    const complete = latency.operations.find(operation => operation.operation === 'chordCompleteTask')
    expect(complete?.controls.map(comparison => comparison.control)).toEqual(['INCR', 'EVALSHA'])
  })

  test('measures both throughput workloads against their raw controls', () => {
    const throughput = ran(bench.throughput)
    expect(throughput.workloads.map(workload => [workload.workload, workload.control.name])).toEqual([
      ['storeResults', 'pipeline SET EX'],
      ['chordCompleteTask', 'INCR'],
    ])
    for (const workload of throughput.workloads) expect(workload.subject.median).toBeGreaterThan(0)
  })

  test('loads every HTTP route without a single error or non-2xx answer', () => {
    const http = ran(bench.http)
    expect(http.routes.map(route => route.route)).toEqual(['no-op', 'read', 'store', 'complete'])
    for (const route of http.routes) {
      expect(route.latencyUs.count, route.route).toBeGreaterThan(0)
      expect({ route: route.route, errors: route.errors, non2xx: route.non2xx }).toEqual({
        route: route.route,
        errors: 0,
        non2xx: 0,
      })
    }
  })

  test('compares the four persistence profiles, or says why it could not', () => {
    if (external) {
      expect(bench.persistence).toMatchObject({ status: 'skipped' })
      return
    }
    const persistence = ran(bench.persistence)
    expect(persistence.profiles).toEqual(['none', 'rdb', 'aof-everysec', 'aof-always'])
    for (const operation of persistence.latency) {
      expect(operation.byProfile.map(profile => profile.profile)).toEqual(persistence.profiles)
      expect(operation.byProfile[0]?.p50VsNone.median).toBe(1)
    }
    expect(persistence.throughput).toHaveLength(2)
  })

  test("checks the spec's latency rows and measures memory per key", () => {
    const spec = ran(bench.spec)
    expect(spec.latency.map(claim => claim.row)).toEqual([
      'Store result',
      'Get result',
      'Chord increment',
      'Set expiration',
    ])
    expect(spec.latencySource).toBe('the latency suite, one call at a time')
    const components = spec.memory.map(claim => claim.component)
    expect(components).toContain('Chord state')
    expect(components).toContain('Chord counter')
    for (const claim of spec.memory) {
      expect(claim.memoryUsageBytes, claim.component).toBeGreaterThan(0)
      expect(Number.isFinite(claim.usedMemoryDeltaBytes), claim.component).toBe(true)
    }
  })

  test('writes results.json, summary.md and index.html', () => {
    const report = writeReport(runDirectory(results, out), results, [benchSection])
    for (const file of [report.resultsFile, report.summaryFile, report.pageFile])
      expect(existsSync(file)).toBe(true)
    const reread = JSON.parse(readFileSync(report.resultsFile, 'utf8')) as RunResults
    expect(parseBenchSection(reread.sections.bench)).toEqual(bench)
    expect(readFileSync(report.summaryFile, 'utf8')).toContain('| storeResult (TTL) | 1 | SET EX |')
  })
})
