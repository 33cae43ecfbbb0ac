import type { BarrierName } from '../src/backend/barrier/index.ts'
import { keySlot } from '../src/backend/key-slot.ts'
import type { RedisTarget } from '../src/backend/target.ts'
import type { ChaosRun, Measurement } from '../src/report/sections/chaos.ts'
import { type FailoverOutcome, RedisCluster, RedisSentinelGroup } from '../src/servers/index.ts'
import { runChordWorkload } from './support/chord-workload.ts'
import {
  brokenVariantCaught,
  type ChaosScenario,
  chaosRun,
  errorsTyped,
  expectation,
  nothingHung,
  type ScenarioContext,
  scenarioReport,
  skippedScenario,
} from './support/scenario.ts'

type FailoverCase = 'cluster, primary killed' | 'cluster, CLUSTER FAILOVER' | 'sentinel, SENTINEL FAILOVER'

const cases: readonly FailoverCase[] = [
  'cluster, primary killed',
  'cluster, CLUSTER FAILOVER',
  'sentinel, SENTINEL FAILOVER',
]
/** WAIT below the chaos sizes' command timeout (400 ms at the smallest). */
const waitTimeoutMs = 300

/**
 * Failovers in the middle of a chord, on a 3-primary cluster (one replica each) and on a Sentinel
 * group (2 replicas, 3 sentinels), each without and with `waitReplicas: 1`. Replication is
 * asynchronous, so without WAIT a failover may lose acknowledged completions: that is reported,
 * not hidden. With WAIT, a completion acknowledged on a cluster is on the one replica that can be
 * promoted, so none may be lost there.
 */
export const failoverScenario: ChaosScenario = {
  id: 'failover',
  title: 'Failover in the middle of a chord (Redis Cluster, Sentinel)',
  description:
    'A third of the way through a chord: the primary serving the chord is killed and the cluster promotes ' +
    'its replica (the old primary then returns as a replica); or a CLUSTER FAILOVER hands the primary to its ' +
    'replica; or SENTINEL FAILOVER promotes a replica of a Sentinel group. Each runs without and with ' +
    'waitReplicas: 1. Reported per run: acknowledged completions lost, chords fired twice or never, and the ' +
    'time until clients could find the new primary. Required: with waitReplicas on the cluster, nothing ' +
    'acknowledged is lost and the reference barrier stays exact.',
  async run(context) {
    if (context.redisSource === 'external') {
      return { report: skippedScenario(this, 'REDIS_URL is set: failovers need topologies chordlab starts') }
    }
    const started = performance.now()
    const runs: ChaosRun[] = []
    const measurements: Measurement[] = []
    for (const failoverCase of cases) {
      for (const waitReplicas of [0, 1]) {
        const barriers: BarrierName[] =
          failoverCase === 'cluster, primary killed' && waitReplicas === 0
            ? ['reference', 'seed-incr']
            : ['reference']
        for (const barrier of barriers) {
          const { run, recoveryMs } = await failoverRun(context, failoverCase, waitReplicas, barrier)
          runs.push(run)
          if (barrier === 'reference') {
            measurements.push({
              name: `${run.fault}: clients found the new primary after`,
              value: recoveryMs,
              unit: 'ms',
            })
          }
        }
      }
    }
    const waitedOnCluster = runs.filter(
      run =>
        run.barrier === 'reference' &&
        run.fault.startsWith('cluster') &&
        run.fault.endsWith('waitReplicas 1'),
    )
    const lost = waitedOnCluster.filter(run => !run.consistent || run.acknowledgedLost > 0)
    return {
      report: scenarioReport(this, started, {
        runs,
        measurements,
        expectations: [
          expectation(
            'wait-keeps-acknowledged-on-cluster',
            'with waitReplicas on the cluster, the reference barrier loses nothing acknowledged and stays exact',
            waitedOnCluster.length > 0 && lost.length === 0,
            (lost.length === 0 ? waitedOnCluster : lost)
              .map(run => `${run.fault}: ${run.verdict}, ${run.acknowledgedLost} of ${run.acknowledged} lost`)
              .join('; '),
          ),
          nothingHung(runs),
          errorsTyped(runs),
          brokenVariantCaught(runs),
        ],
      }),
    }
  },
}

async function failoverRun(
  context: ScenarioContext,
  failoverCase: FailoverCase,
  waitReplicas: number,
  barrier: BarrierName,
): Promise<{ run: ChaosRun; recoveryMs: number }> {
  const label = `${failoverCase}, waitReplicas ${waitReplicas}`
  context.progress(`failover: ${label}: ${barrier}`)
  await using topology = await startTopology(failoverCase)
  let recoveryMs = Number.NaN
  const result = await runChordWorkload({
    workerUrl: topology.target,
    verifyUrl: topology.target,
    barrier,
    total: context.size.tasks,
    workers: context.size.workers,
    duplicateRate: context.size.duplicateRate,
    seed: context.seed,
    connection: { ...context.size.connection, waitReplicas, waitTimeoutMs },
    deadlineMs: context.size.deadlineMs * 2,
    fault: {
      atFraction: 0.3,
      // runChordWorkload names the chord `chaos-<barrier>`: its keys hash to that id's slot.
      inject: async () => {
        recoveryMs = (await topology.fail(keySlot(`chaos-${barrier}`))).elapsedMs
      },
    },
  })
  return { run: chaosRun(label, barrier, result), recoveryMs }
}

interface RunningTopology extends AsyncDisposable {
  target: RedisTarget
  /** The failover of this case, for the primary serving `slot`. */
  fail(slot: number): Promise<FailoverOutcome>
}

async function startTopology(failoverCase: FailoverCase): Promise<RunningTopology> {
  if (failoverCase === 'sentinel, SENTINEL FAILOVER') {
    const group = await new RedisSentinelGroup({ replicas: 2, sentinels: 3 }).start()
    return {
      target: { sentinels: group.sentinelAddresses(), name: group.name },
      fail: () => group.failover(),
      [Symbol.asyncDispose]: () => group.stop(),
    }
  }
  const cluster = await new RedisCluster({ primaries: 3, replicasPerPrimary: 1 }).start()
  return {
    target: { cluster: cluster.addresses() },
    async fail(slot) {
      const primary = await cluster.primaryForSlot(slot)
      if (failoverCase === 'cluster, CLUSTER FAILOVER') {
        const [replica] = await cluster.replicasOf(primary)
        if (replica === undefined) throw new Error(`${primary.address} has no replica`)
        return cluster.failover(replica)
      }
      const outcome = await cluster.killPrimary(primary)
      // Until the old primary returns as its replica, the promoted one has none to WAIT for.
      await primary.restart()
      await cluster.waitUntilHealthy()
      return outcome
    },
    [Symbol.asyncDispose]: () => cluster.stop(),
  }
}
