import { setTimeout as delay } from 'node:timers/promises'
import type { ChaosRun } from '../src/report/sections/chaos.ts'
import { chordRunThroughProxy } from './support/chord-run.ts'
import { startRedisTarget } from './support/redis-target.ts'
import {
  brokenVariantCaught,
  type ChaosScenario,
  chaosRun,
  errorsTyped,
  expectation,
  faultOverlapped,
  nothingHung,
  referenceConsistent,
  scenarioReport,
} from './support/scenario.ts'

/**
 * Redis unreachable for a while: the proxy is disabled (its connections closed, new ones
 * refused), then enabled again on the same address. Clients must reconnect and finish.
 */
export const partitionScenario: ChaosScenario = {
  id: 'partition',
  title: 'Partition: Redis unreachable, then back',
  description:
    'The proxy is disabled while completions are in flight (open connections closed, new connects ' +
    'refused) and enabled again after the partition; a share of tasks is delivered twice. Clients must ' +
    'reconnect and finish the chord, nothing may hang, errors must be typed, and the reference barrier ' +
    'must stay exact (or never fire, with the reason).',
  async run(context) {
    const started = performance.now()
    const { partitionMs } = context.size
    await using target = await startRedisTarget(context.redisSource, 'none')
    const runs: ChaosRun[] = []
    const afterHeal: Record<string, number> = {}
    for (const barrier of context.size.barriers) {
      let healedAt = Number.POSITIVE_INFINITY
      const result = await chordRunThroughProxy(context, target, {
        label: 'partition',
        barrier,
        duplicateRate: context.size.duplicateRate,
        fault: async proxied => {
          const { listen, upstream } = proxied.proxy
          proxied.proxy = await proxied.proxy.update({ enabled: false, listen, upstream })
          await delay(partitionMs)
          proxied.proxy = await proxied.proxy.update({ enabled: true, listen, upstream })
          healedAt = performance.now()
        },
      })
      afterHeal[barrier] = result.history.records.filter(
        record => record.outcome === 'ok' && record.startedAt >= healedAt,
      ).length
      runs.push(chaosRun(`proxy disabled for ${partitionMs} ms`, barrier, result))
    }
    const stuck = Object.entries(afterHeal).filter(([, count]) => count === 0)
    return {
      report: scenarioReport(this, started, {
        runs,
        expectations: [
          expectation(
            'clients-reconnect',
            'clients reconnect after the partition and complete calls',
            stuck.length === 0,
            Object.entries(afterHeal)
              .map(([barrier, count]) => `${barrier}: ${count} calls acknowledged after the proxy came back`)
              .join('; '),
          ),
          faultOverlapped(runs),
          nothingHung(runs),
          errorsTyped(runs),
          referenceConsistent(runs),
          brokenVariantCaught(runs),
        ],
      }),
    }
  },
}
