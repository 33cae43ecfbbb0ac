import type { ICreateToxicBody } from 'toxiproxy-node-client'
import type { ChaosRun } from '../src/report/sections/chaos.ts'
import { chordRunThroughProxy, someCallUnknown, toxicFault } from './support/chord-run.ts'
import { startRedisTarget } from './support/redis-target.ts'
import {
  type ChaosScenario,
  chaosRun,
  errorsTyped,
  expectation,
  faultOverlapped,
  nothingHung,
  referenceConsistent,
  scenarioReport,
} from './support/scenario.ts'

/** The two downstream faults that let Redis apply a command and then lose its reply. */
const replyFaults: ReadonlyArray<{ label: string; toxic: ICreateToxicBody<{ timeout: number }> }> = [
  {
    label: 'downstream timeout 0 (replies dropped; removal closes the connections)',
    toxic: {
      name: 'replies_dropped',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    },
  },
  {
    label: 'downstream reset_peer 0 (first reply dropped, connection closed)',
    toxic: {
      name: 'replies_reset',
      type: 'reset_peer',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    },
  },
]

/**
 * Replies lost after Redis applied the command, while completions are in flight. ioredis resends
 * every in-flight command after it reconnects, and a worker redelivers what ended unknown: the
 * reference barrier counts each task once whatever arrives twice; seed-incr's INCR counts again.
 */
export const replyLossScenario: ChaosScenario = {
  id: 'reply-loss',
  title: 'Replies lost after Redis applied the command',
  description:
    'A downstream timeout or reset_peer toxic is added while completions are in flight and held until ' +
    'a call ends unknown, then removed. Every task is delivered once; only the fault makes anything ' +
    'arrive twice (ioredis resends in-flight commands after a reconnect; workers redeliver calls that ' +
    'ended unknown). The reference barrier must stay exact (or never fire, with the reason); seed-incr must over-count.',
  async run(context) {
    const started = performance.now()
    await using target = await startRedisTarget(context.redisSource, 'none')
    const runs: ChaosRun[] = []
    const hit: Record<string, boolean> = {}
    for (const { label, toxic } of replyFaults) {
      for (const barrier of context.size.barriers) {
        const result = await chordRunThroughProxy(context, target, {
          label: `reply-loss-${toxic.type}`,
          barrier,
          duplicateRate: 0,
          fault: toxicFault(toxic, context.size.faultWindow, someCallUnknown),
        })
        hit[`${label} ${barrier}`] = result.operations.unknown > 0
        runs.push(chaosRun(label, barrier, result))
      }
    }
    const seedIncr = runs.filter(run => run.barrier === 'seed-incr')
    const missed = Object.entries(hit).filter(([, landed]) => !landed)
    return {
      report: scenarioReport(this, started, {
        runs,
        expectations: [
          expectation(
            'fault-hit',
            'every fault took replies away (some call ended unknown)',
            missed.length === 0,
            missed.length === 0
              ? `${runs.length} runs hit`
              : `no unknown call in: ${missed.map(([key]) => key).join('; ')}`,
          ),
          referenceConsistent(runs),
          expectation(
            'seed-incr-over-counts',
            'seed-incr over-counts under every reply-loss fault',
            seedIncr.length > 0 && seedIncr.every(run => run.finalCount > run.total),
            seedIncr
              .map(run => `${run.fault}: counts ${run.finalCount} for ${run.total} tasks (${run.verdict})`)
              .join('; ') || 'seed-incr did not run',
          ),
          faultOverlapped(runs),
          nothingHung(runs),
          errorsTyped(runs),
        ],
      }),
    }
  },
}
