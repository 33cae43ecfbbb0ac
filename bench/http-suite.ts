import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { type Arm, runInterleaved } from '../src/measure/interleave.ts'
import { MicrosecondHistogram } from '../src/measure/microsecond-histogram.ts'
import { ratioAcrossRounds, roundStat } from '../src/measure/ratio.ts'
import type { HttpRoute, HttpSuite } from '../src/report/sections/bench-data.ts'
import { type BenchTarget, benchTtlSeconds, endlessChordTotal, withTtl } from './bench-target.ts'
import { smallResult } from './documents.ts'
import { startHttpService } from './http-service.ts'
import type { BenchProfile } from './profiles.ts'

export interface HttpSuiteOptions {
  target: BenchTarget
  profile: BenchProfile
  progress: (line: string) => void
}

interface RouteSpec {
  route: HttpRoute['route']
  method: 'GET' | 'PUT' | 'POST'
  /** The path as shown in the report (`:id` where each request gets a new one). */
  path: string
  request: autocannon.Request
  targetRatio?: number
}

interface LoadRound {
  perSecond: number
  errors: number
  non2xx: number
}

/** The goal: serving a stored result costs at most half the service's no-op throughput. */
const readTargetRatio = 0.5
const warmupSeconds = 0.3

/**
 * Loads an HTTP service over the backend with autocannon on loopback: a no-op route (the
 * control: same service, no Redis), reading a result, storing one and completing a chord task,
 * each route in turn, round by round.
 */
export async function runHttpSuite(options: HttpSuiteOptions): Promise<HttpSuite> {
  const { target } = options
  const { rounds, roundSeconds, connections } = options.profile.http
  options.progress('http: starting the service')
  await using service = await startHttpService({
    redisUrl: target.url,
    namespace: target.namespace,
    ttlSeconds: benchTtlSeconds,
  })
  const routes = await routeSpecs(target)
  const histograms = routes.map(() => new MicrosecondHistogram())
  const arms: Array<Arm<LoadRound>> = routes.map((route, index) => ({
    name: route.route,
    measure: phase =>
      loadRound(service.origin, route.request, {
        connections,
        seconds: phase === 'warmup' ? Math.min(warmupSeconds, roundSeconds) : roundSeconds,
        // The warm-up's latencies are thrown away with its histogram.
        histogram:
          phase === 'warmup' ? new MicrosecondHistogram() : (histograms[index] as MicrosecondHistogram),
      }),
  }))
  const results = await runInterleaved(arms, {
    rounds,
    onMeasured: ({ arm, round }) => options.progress(`http: ${arm} route, round ${round + 1}/${rounds}`),
  })
  const noopRates = results[0]?.rounds.map(round => round.perSecond) ?? []
  return {
    rounds,
    roundSeconds,
    connections,
    routes: results.map(({ rounds: measured }, index) => {
      const spec = routes[index] as RouteSpec
      const rates = measured.map(round => round.perSecond)
      return {
        route: spec.route,
        method: spec.method,
        path: spec.path,
        requestsPerSecond: roundStat(rates),
        latencyUs: (histograms[index] as MicrosecondHistogram).summary(),
        errors: measured.reduce((sum, round) => sum + round.errors, 0),
        non2xx: measured.reduce((sum, round) => sum + round.non2xx, 0),
        ...(spec.route === 'no-op' ? {} : { ratioToNoop: ratioAcrossRounds(rates, noopRates) }),
        ...(spec.targetRatio === undefined ? {} : { targetRatio: spec.targetRatio }),
      }
    }),
  }
}

/** The no-op control first: the other routes' ratios are taken against it. */
async function routeSpecs(target: BenchTarget): Promise<RouteSpec[]> {
  const readId = target.freshId('http-read')
  await target.backend.storeResult(smallResult(readId), withTtl)
  const chordId = target.freshId('http-chord')
  await target.backend.chordInit({ chordId, total: endlessChordTotal })
  const nextStoreId = target.idCycle('http-store')
  const storeBody = JSON.stringify(smallResult('template').result)
  return [
    { route: 'no-op', method: 'GET', path: '/noop', request: { method: 'GET', path: '/noop' } },
    {
      route: 'read',
      method: 'GET',
      path: '/results/:taskId',
      request: { method: 'GET', path: `/results/${readId}` },
      targetRatio: readTargetRatio,
    },
    {
      route: 'store',
      method: 'PUT',
      path: '/results/:taskId',
      request: {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: storeBody,
        setupRequest: request => ({ ...request, path: `/results/${nextStoreId()}` }),
      },
    },
    {
      route: 'complete',
      method: 'POST',
      path: `/chords/:chordId/tasks/:taskId/complete`,
      request: {
        method: 'POST',
        setupRequest: request => ({
          ...request,
          path: `/chords/${chordId}/tasks/${target.freshId('http-task')}/complete`,
        }),
      },
    },
  ]
}

/** One autocannon run; latencies go to `histogram` in µs from each response's own time. */
function loadRound(
  origin: string,
  request: autocannon.Request,
  settings: { connections: number; seconds: number; histogram: MicrosecondHistogram },
): Promise<LoadRound> {
  return new Promise((resolve, reject) => {
    let responses = 0
    const started = performance.now()
    const instance = autocannon(
      {
        url: origin,
        connections: settings.connections,
        duration: settings.seconds,
        // autocannon ends a run on its first sampling tick after the duration: one tick per run.
        sampleInt: settings.seconds * 1000,
        requests: [request],
      },
      (error, result) => {
        if (error) {
          reject(error)
          return
        }
        const wallSeconds = (performance.now() - started) / 1000
        resolve({
          perSecond: responses / wallSeconds,
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
        })
      },
    )
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      responses += 1
      settings.histogram.recordMs(responseTimeMs)
    })
  })
}
