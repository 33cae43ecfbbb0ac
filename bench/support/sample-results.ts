import { roundStat } from '../../src/measure/ratio.ts'
import { type RunResults, resultsSchema } from '../../src/report/schema.ts'
import {
  type BenchSectionData,
  benchSectionVersion,
  type LatencyFigures,
  type OperationLatency,
  type RoundStat,
} from '../../src/report/sections/bench-data.ts'

/**
 * A complete results.json with every bench suite filled in by hand, for the renderer and gate
 * tests: no Redis, and numbers chosen so each check can be told apart.
 */
export function sampleResults(bench: BenchSectionData = sampleBenchSection()): RunResults {
  return {
    schema: resultsSchema,
    runId: '2026-01-01T00-00-00Z-bench-0000',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    profile: bench.settings.profile,
    environment: {
      chordlab: '0.1.0',
      node: 'v20.20.2',
      platform: 'linux test x64',
      cpu: { model: 'test cpu', cores: 2 },
      memoryBytes: 1024,
      gitRevision: 'abc123',
      ci: false,
      redis: { version: '7.0.15', source: 'started', persistence: 'none', url: 'redis://127.0.0.1:6379' },
    },
    sections: { bench },
  }
}

/** Rounds that all equal `value` (a steady figure), or the given per-round values. */
export function stat(value: number | number[]): RoundStat {
  return roundStat(Array.isArray(value) ? value : [value, value, value])
}

export function figures(p50: number): LatencyFigures {
  return {
    samples: 1_000,
    opsPerSecond: 1_000_000 / p50,
    rmePercent: 1.5,
    us: { mean: p50 * 1.1, min: p50 * 0.6, p50, p75: p50 * 1.2, p99: p50 * 2, p999: p50 * 4, max: p50 * 10 },
    curve: [
      [0, p50 * 0.6],
      [50, p50],
      [90, p50 * 1.5],
      [99, p50 * 2],
      [99.9, p50 * 4],
      [100, p50 * 10],
    ],
  }
}

export function operation(
  name: string,
  concurrency: number,
  p50Ratio: number,
  p99Ratio: number | number[],
): OperationLatency {
  return {
    operation: name,
    concurrency,
    subject: figures(60 * p50Ratio),
    controls: [
      {
        control: 'SET EX',
        figures: figures(60),
        p50: stat(p50Ratio),
        p99: stat(p99Ratio),
        p999Pooled: 1.2,
        target: { p50: 1.1, p99: 1.25 },
      },
    ],
  }
}

export function sampleBenchSection(): BenchSectionData {
  return {
    version: benchSectionVersion,
    settings: {
      profile: 'quick',
      suites: ['latency', 'throughput', 'http', 'persistence', 'spec'],
      concurrency: 16,
      redis: { source: 'started', persistence: 'none' },
    },
    latency: {
      status: 'ran',
      rounds: 3,
      roundMs: 100,
      concurrencyLevels: [1, 16],
      operations: [
        operation('storeResult (TTL)', 1, 1.05, 1.2),
        operation('storeResult (TTL)', 16, 1.3, [1.1, 1.9, 3.5]),
        operation('getResult (hit)', 1, 1.08, 1.1),
      ],
    },
    throughput: {
      status: 'ran',
      rounds: 3,
      roundMs: 400,
      workloads: [
        {
          workload: 'storeResults',
          method: 'storeResults of 1000, 4 in flight',
          unit: 'results/s',
          subject: stat(150_000),
          control: { name: 'pipeline SET EX', method: 'pipelines of 1000 SET EX', perSecond: stat(300_000) },
          ratio: stat(0.5),
          targetPerSecond: 200_000,
        },
      ],
    },
    http: {
      status: 'ran',
      rounds: 3,
      roundSeconds: 1,
      connections: 16,
      routes: [
        {
          route: 'no-op',
          method: 'GET',
          path: '/noop',
          requestsPerSecond: stat(10_000),
          latencyUs: { count: 30_000, mean: 900, p50: 800, p75: 1_000, p99: 3_000, p999: 6_000, max: 9_000 },
          errors: 0,
          non2xx: 0,
        },
        {
          route: 'read',
          method: 'GET',
          path: '/results/:taskId',
          requestsPerSecond: stat(6_000),
          latencyUs: {
            count: 18_000,
            mean: 1_500,
            p50: 1_400,
            p75: 1_700,
            p99: 5_000,
            p999: 9_000,
            max: 12_000,
          },
          errors: 0,
          non2xx: 0,
          ratioToNoop: stat(0.6),
          targetRatio: 0.5,
        },
      ],
    },
    persistence: { status: 'skipped', reason: 'needs redis-servers it starts itself' },
    spec: {
      status: 'ran',
      latencySource: 'the latency suite, one call at a time',
      latency: [
        {
          row: 'Store result',
          claim: '<1ms',
          operation: 'storeResult (TTL)',
          limitUs: 1_000,
          concurrency: 1,
          p50Us: 63,
          p99Us: 140,
          p999Us: 900,
          met: true,
        },
      ],
      memory: [
        {
          component: 'Chord counter',
          detail: 'integer counter right after chordInit, with TTL',
          claim: '~16B',
          limitBytes: 24,
          memoryUsageBytes: 120,
          usedMemoryDeltaBytes: 144,
          keys: 10_000,
          met: { memoryUsage: false, usedMemory: false },
        },
      ],
      memoryNotes: ['MEMORY USAGE counts a key and its value.'],
    },
  }
}

/** The persistence suite as it looks when it ran (sampleBenchSection has it skipped). */
export function samplePersistenceSuite(): NonNullable<BenchSectionData['persistence']> {
  const profiles = ['none', 'rdb', 'aof-everysec', 'aof-always']
  return {
    status: 'ran',
    profiles,
    profileNotes: {
      none: 'no RDB, no AOF',
      rdb: 'snapshots',
      'aof-everysec': 'AOF everysec',
      'aof-always': 'AOF always',
    },
    rounds: 3,
    roundMs: 150,
    latency: [
      {
        operation: 'storeResult (TTL)',
        byProfile: profiles.map((profile, index) => ({
          profile,
          figures: figures(60 * (1 + index)),
          p50VsNone: stat(1 + index),
          p99VsNone: stat(1 + index * 2),
        })),
      },
    ],
    throughput: [
      {
        workload: 'storeResults',
        unit: 'results/s',
        byProfile: profiles.map((profile, index) => ({
          profile,
          perSecond: stat(100_000 / (1 + index)),
          vsNone: stat(1 / (1 + index)),
        })),
      },
    ],
  }
}
