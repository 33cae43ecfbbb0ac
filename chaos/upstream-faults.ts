import type { Bandwidth, ICreateToxicBody, Slicer, Timeout } from 'toxiproxy-node-client'
import type { ChaosRun } from '../src/report/sections/chaos.ts'
import { chordRunThroughProxy, toxicFault } from './support/chord-run.ts'
import { startRedisTarget } from './support/redis-target.ts'
import {
  brokenVariantCaught,
  type ChaosScenario,
  chaosRun,
  errorsTyped,
  faultOverlapped,
  nothingHung,
  referenceConsistent,
  scenarioReport,
} from './support/scenario.ts'

type UpstreamToxic = ICreateToxicBody<Timeout | Slicer | Bandwidth | { bytes: number }>

/** Faults on the way to Redis: commands dropped, cut, fragmented or throttled. */
const upstreamFaults: ReadonlyArray<{ label: string; toxic: UpstreamToxic }> = [
  {
    label: 'upstream timeout 0 (commands dropped)',
    toxic: {
      name: 'commands_dropped',
      type: 'timeout',
      stream: 'upstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    },
  },
  {
    label: 'upstream reset_peer 0 (first command dropped, connection reset)',
    toxic: {
      name: 'commands_reset',
      type: 'reset_peer',
      stream: 'upstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    },
  },
  {
    label: 'upstream limit_data 200 B (commands cut mid-RESP)',
    toxic: {
      name: 'commands_cut',
      type: 'limit_data',
      stream: 'upstream',
      toxicity: 1,
      attributes: { bytes: 200 },
    },
  },
  {
    label: 'upstream slicer 8 ± 4 B, 50 µs apart (fragmented commands)',
    toxic: {
      name: 'commands_sliced',
      type: 'slicer',
      stream: 'upstream',
      toxicity: 1,
      attributes: { average_size: 8, size_variation: 4, delay: 50 },
    },
  },
  {
    label: 'upstream bandwidth 1 KB/s (back-pressure)',
    toxic: {
      name: 'commands_throttled',
      type: 'bandwidth',
      stream: 'upstream',
      toxicity: 1,
      attributes: { rate: 1 },
    },
  },
]

/**
 * Partial commands, fragmented commands and back-pressure on the client-to-Redis direction. None
 * of these can apply a command twice by itself, so the broken barriers are caught by the
 * workload's duplicate deliveries; what the faults test is that errors are typed, nothing hangs
 * and the state stays consistent.
 */
export const upstreamFaultsScenario: ChaosScenario = {
  id: 'upstream',
  title: 'Upstream faults: dropped, cut, fragmented and throttled commands',
  description:
    'Each upstream toxic (timeout, reset_peer, limit_data, slicer, bandwidth) is added while completions ' +
    'are in flight, held for the fault window, then removed; a share of tasks is delivered twice. ' +
    'Every error must be a typed BackendError, no call may hang, the reference barrier must stay exact ' +
    '(or never fire, with the reason), and the duplicates must expose a broken barrier.',
  async run(context) {
    const started = performance.now()
    await using target = await startRedisTarget(context.redisSource, 'none')
    const runs: ChaosRun[] = []
    const { minMs } = context.size.faultWindow
    for (const { label, toxic } of upstreamFaults) {
      for (const barrier of context.size.barriers) {
        const result = await chordRunThroughProxy(context, target, {
          label: `upstream-${toxic.type}`,
          barrier,
          duplicateRate: context.size.duplicateRate,
          fault: toxicFault(toxic, { minMs, maxMs: minMs }),
        })
        runs.push(chaosRun(label, barrier, result))
      }
    }
    return {
      report: scenarioReport(this, started, {
        runs,
        expectations: [
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
