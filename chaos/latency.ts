import type { Latency } from 'toxiproxy-node-client'
import type { ChaosRun } from '../src/report/sections/chaos.ts'
import { chordRunThroughProxy } from './support/chord-run.ts'
import type { ChordWorkloadResult } from './support/chord-workload.ts'
import { startRedisTarget } from './support/redis-target.ts'
import {
  brokenVariantCaught,
  type ChaosScenario,
  chaosRun,
  expectation,
  referenceConsistent,
  scenarioReport,
} from './support/scenario.ts'

/** Timers may fire up to a millisecond early against performance.now(); the lower bound allows for it. */
const timerSlackMs = 2

/**
 * Latency with jitter on every reply, for the whole run: calls slow down by about the injected
 * delay per round trip, nothing is lost, and the wider race windows expose naive-rmw.
 */
export const latencyScenario: ChaosScenario = {
  id: 'latency',
  title: 'Latency with jitter',
  description:
    'A downstream latency toxic (latency ± jitter on every reply) for the whole chord. The reference ' +
    'barrier must stay exact and no reply may arrive sooner than latency − jitter (the median rise is ' +
    'reported: about the injected latency, less the time the proxy overlaps with Redis); the ' +
    'broken barriers make several round trips per call, and naive-rmw loses updates in the wider windows.',
  async run(context) {
    const started = performance.now()
    const { latencyMs, jitterMs } = context.size.latency
    await using target = await startRedisTarget(context.redisSource, 'none')
    const baseline = await chordRunThroughProxy(context, target, {
      label: 'latency-baseline',
      barrier: 'reference',
      duplicateRate: 0,
    })
    const fault = `downstream latency ${latencyMs} ± ${jitterMs} ms`
    const runs: ChaosRun[] = [chaosRun('no toxic (baseline)', 'reference', baseline)]
    let referenceResult: ChordWorkloadResult | undefined
    for (const barrier of context.size.barriers) {
      const result = await chordRunThroughProxy(context, target, {
        label: 'latency',
        barrier,
        duplicateRate: context.size.duplicateRate,
        toxics: [
          {
            name: 'latency_downstream',
            type: 'latency',
            stream: 'downstream',
            toxicity: 1,
            attributes: { latency: latencyMs, jitter: jitterMs } satisfies Latency,
          },
        ],
      })
      if (barrier === 'reference') referenceResult = result
      runs.push(chaosRun(fault, barrier, result))
    }
    const reference = runs.find(run => run.barrier === 'reference' && run.fault === fault)
    const rise = (reference?.medianLatencyMs ?? 0) - (baseline.medianLatencyMs ?? 0)
    const fastest = referenceResult?.minLatencyMs ?? 0
    return {
      report: scenarioReport(this, started, {
        runs,
        measurements: [
          {
            name: 'median reference call without the toxic',
            value: baseline.medianLatencyMs ?? 0,
            unit: 'ms',
          },
          {
            name: 'median reference call with the toxic',
            value: reference?.medianLatencyMs ?? 0,
            unit: 'ms',
          },
          { name: 'rise of the median (one round trip per call)', value: rise, unit: 'ms' },
          { name: 'fastest reference call with the toxic', value: fastest, unit: 'ms' },
          { name: 'injected latency (± jitter)', value: latencyMs, unit: 'ms' },
        ],
        expectations: [
          referenceConsistent(runs),
          expectation(
            'reference-exact',
            'nothing is lost under latency: the reference is exact',
            reference?.verdict === 'exact',
            `reference verdict ${reference?.verdict ?? 'missing'}, ${reference?.finalCount ?? 0} of ${context.size.tasks}`,
          ),
          expectation(
            'latency-applied',
            `no reply came sooner than latency − jitter (${latencyMs - jitterMs} ms)`,
            referenceResult !== undefined && fastest >= latencyMs - jitterMs - timerSlackMs,
            `fastest call ${fastest.toFixed(1)} ms; the median rose by ${rise.toFixed(1)} ms for ${latencyMs} ± ${jitterMs} ms injected`,
          ),
          brokenVariantCaught(runs),
        ],
      }),
    }
  },
}
