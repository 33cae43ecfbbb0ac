import type { BarrierName } from '../src/backend/barrier/index.ts'
import { keySlot } from '../src/backend/key-slot.ts'
import type { RedisTarget } from '../src/backend/target.ts'
import type { ChordProgress } from '../src/backend/types.ts'
import type { OperationHistory } from '../src/history/operation-history.ts'
import type { ChaosRun, Measurement } from '../src/report/sections/chaos.ts'
import {
  type FailoverOutcome,
  type KillPrimaryOptions,
  RedisCluster,
  RedisSentinelGroup,
  type StartedRedisServer,
} from '../src/servers/index.ts'
import { runChordWorkload } from './support/chord-workload.ts'
import { callsEndedSince, cutOffReplicas, firstAcknowledgedWithin } from './support/lagging-replicas.ts'
import {
  callsAroundPromotion,
  type PromotionBracket,
  type PromotionCalls,
  watchPromotion,
} from './support/promotion-watch.ts'
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

interface FailoverCase {
  name: string
  topology: 'cluster' | 'sentinel'
  /** The primary SIGKILLed (the topology promotes a replica), or a CLUSTER / SENTINEL FAILOVER. */
  failover: 'primary killed' | 'manual'
  /**
   * Every replica that could be promoted is cut off (paused, its replication link dropped) before
   * the kill, and completions go on meanwhile: what the primary acknowledged then is on no replica.
   */
  replicasBehind: boolean
  /** The `waitReplicas` settings the case runs with. */
  waitLevels: readonly number[]
  /**
   * From which `waitReplicas` nothing acknowledged may be lost here (then required). 1 but under
   * SENTINEL FAILOVER: the old primary keeps taking writes until a sentinel demotes it, and the
   * replica that still follows it acknowledges them, so only a WAIT for every replica (the
   * promoted one no longer follows the old primary) can refuse them.
   */
  waitGuaranteesFrom: number
}

/** Most cases: without WAIT, and with WAIT for one replica, which is required to lose nothing. */
const waitForOne = { waitLevels: [0, 1], waitGuaranteesFrom: 1 } as const

const cases: readonly FailoverCase[] = [
  {
    name: 'cluster, primary killed',
    topology: 'cluster',
    failover: 'primary killed',
    replicasBehind: false,
    ...waitForOne,
  },
  {
    name: 'cluster, replica behind, primary killed',
    topology: 'cluster',
    failover: 'primary killed',
    replicasBehind: true,
    ...waitForOne,
  },
  {
    name: 'cluster, CLUSTER FAILOVER',
    topology: 'cluster',
    failover: 'manual',
    replicasBehind: false,
    ...waitForOne,
  },
  {
    name: 'sentinel, primary killed',
    topology: 'sentinel',
    failover: 'primary killed',
    replicasBehind: false,
    ...waitForOne,
  },
  {
    name: 'sentinel, replicas behind, primary killed',
    topology: 'sentinel',
    failover: 'primary killed',
    replicasBehind: true,
    ...waitForOne,
  },
  {
    name: 'sentinel, SENTINEL FAILOVER',
    topology: 'sentinel',
    failover: 'manual',
    replicasBehind: false,
    // The group has 2 replicas.
    waitLevels: [0, 1, 2],
    waitGuaranteesFrom: 2,
  },
]
/** WAIT below the chaos sizes' command timeout (400 ms at the smallest). */
const waitTimeoutMs = 300
/** Completion calls that must end while the replicas are cut off, as a share of the chord's tasks. */
const behindShare = 0.1
/** Calls that end after a hand-over settled before the workers stop, per worker. */
const callsAfterHandOverPerWorker = 5
/** Bound on the calls of a hand-over run, as a multiple of the chord's tasks. */
const maxCallsPerTask = 100
/**
 * A hand-over run's chord, as a multiple of the profile's tasks: its first deliveries must outlast
 * the hand-over, so that completions not yet counted are at stake when the replica is promoted. The
 * profile's chord (300 tasks in `quick`) is complete in tens of milliseconds, before a SENTINEL
 * FAILOVER promotes anything (1.2 s from command to clients switched); 20 × 300 tasks at 20%
 * duplicates is 7,200 deliveries, 5,000 of them after the fault: under a second of work at the 6,000
 * to 13,000 calls a second the SENTINEL FAILOVER runs made (docs/topologies.md), and over 1,600
 * tasks were first acknowledged after the promotion in each of them. A fixed multiple rather than
 * one sized from a measured rate: the same chord in every run, and a run too fast for it fails the
 * `first-completions-at-stake` expectation instead of silently resizing itself.
 */
const handOverTasksFactor = 20

/**
 * Failovers in the middle of a chord, on a 3-primary cluster (one replica each) and on a Sentinel
 * group (2 replicas, 3 sentinels), each without and with `waitReplicas: 1` (SENTINEL FAILOVER
 * also with 2). Replication is
 * asynchronous, so without WAIT a failover may lose acknowledged completions: that is reported,
 * not hidden; the "replicas behind" cases make sure there is something to lose. With WAIT, a
 * completion acknowledged before a primary dies is on a replica that can be promoted, so none may
 * be lost there.
 */
export const failoverScenario: ChaosScenario = {
  id: 'failover',
  title: 'Failover in the middle of a chord (Redis Cluster, Sentinel)',
  description:
    'A third of the way through a chord, the primary serving the chord fails over: it is SIGKILLed and the ' +
    'cluster or the sentinels promote a replica (on the cluster the old primary then returns as a replica); ' +
    'or the same after its replicas were cut off (paused, replication link dropped) while a tenth of the ' +
    'chord was completed, then resumed right after the kill; or CLUSTER FAILOVER / SENTINEL FAILOVER hands ' +
    `the primary over, on a chord ${handOverTasksFactor} times the profile's tasks so that its first deliveries outlast the ` +
    'hand-over. Each runs without and with waitReplicas: 1, SENTINEL FAILOVER also with waitReplicas: 2 ' +
    '(every replica). Reported per run: acknowledged ' +
    'completions lost, chords fired twice or never, and the time until clients could find the new ' +
    'primary; for the cut-off cases, the completions acknowledged while the replicas were behind. ' +
    'In the hand-over cases the workers go on delivering (redeliveries, as a queue would) until the ' +
    'hand-over settled; reported: the completion calls in flight when the replica was promoted (overlapping ' +
    'the ROLE probes that bracket the promotion) and those surely across it (sent before the bracket, ' +
    'answered after it). ' +
    'Required: with waitReplicas, nothing acknowledged is lost and the reference barrier stays exact ' +
    '(under SENTINEL FAILOVER only when waiting for both replicas: WAIT 1 of 2 is satisfied by the replica ' +
    'that still follows the old primary, whose late writes are discarded; reported); ' +
    'every hand-over run had calls in flight when the replica was promoted, and at least one task first ' +
    'acknowledged by a call sent from the promotion on.',
  async run(context) {
    if (context.redisSource === 'external') {
      return { report: skippedScenario(this, 'REDIS_URL is set: failovers need topologies chordlab starts') }
    }
    const started = performance.now()
    const runs: ChaosRun[] = []
    const measurements: Measurement[] = []
    const guaranteed: ChaosRun[] = []
    const handOvers: { run: ChaosRun; calls: PromotionCalls }[] = []
    for (const failoverCase of cases) {
      for (const waitReplicas of failoverCase.waitLevels) {
        const barriers: BarrierName[] =
          failoverCase.name === 'cluster, primary killed' && waitReplicas === 0
            ? ['reference', 'seed-incr']
            : ['reference']
        for (const barrier of barriers) {
          const outcome = await failoverRun(context, failoverCase, waitReplicas, barrier)
          runs.push(outcome.run)
          if (barrier !== 'reference') continue
          measurements.push(...outcome.measurements)
          if (waitReplicas >= failoverCase.waitGuaranteesFrom) guaranteed.push(outcome.run)
          if (outcome.promotionCalls !== undefined) {
            handOvers.push({ run: outcome.run, calls: outcome.promotionCalls })
          }
        }
      }
    }
    const lost = guaranteed.filter(run => !run.consistent || run.acknowledgedLost > 0)
    const missed = handOvers.filter(handOver => handOver.calls.during < 1)
    const nothingAtStake = handOvers.filter(handOver => handOver.calls.firstAcknowledgedAfter < 1)
    const eachHandOver = (describe: (handOver: (typeof handOvers)[number]) => string) =>
      handOvers.map(describe).join('; ')
    return {
      report: scenarioReport(this, started, {
        runs,
        measurements,
        expectations: [
          expectation(
            'wait-keeps-acknowledged',
            'with waitReplicas, the reference barrier loses nothing acknowledged and stays exact ' +
              '(under SENTINEL FAILOVER: waiting for every replica)',
            guaranteed.length > 0 && lost.length === 0,
            (lost.length === 0 ? guaranteed : lost)
              .map(run => `${run.fault}: ${run.verdict}, ${run.acknowledgedLost} of ${run.acknowledged} lost`)
              .join('; '),
          ),
          expectation(
            'calls-during-hand-over',
            'every CLUSTER FAILOVER / SENTINEL FAILOVER run had completion calls in flight when the replica ' +
              'was promoted (overlapping the ROLE probes that bracket it)',
            handOvers.length > 0 && missed.length === 0,
            eachHandOver(
              ({ run, calls }) =>
                `${run.fault}: ${calls.during} during, ${calls.across} surely across (bracket ${calls.bracketMs} ms)`,
            ),
          ),
          expectation(
            'first-completions-at-stake',
            'every CLUSTER FAILOVER / SENTINEL FAILOVER run had first completions at stake: at least one task ' +
              'first acknowledged by a call sent from the promotion on (not only redeliveries of counted tasks)',
            handOvers.length > 0 && nothingAtStake.length === 0,
            eachHandOver(
              ({ run, calls }) =>
                `${run.fault}: ${calls.firstAcknowledgedAfter} of ${run.total} tasks first acknowledged from the ` +
                `promotion on; ${run.verdict}, ${run.acknowledgedLost} of ${run.acknowledged} lost`,
            ),
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
): Promise<{ run: ChaosRun; measurements: Measurement[]; promotionCalls?: PromotionCalls }> {
  const label = `${failoverCase.name}, waitReplicas ${waitReplicas}`
  context.progress(`${label}: ${barrier}`)
  await using topology = await startTopology(failoverCase)
  let failed: FailedOver | undefined
  const manual = failoverCase.failover === 'manual'
  const tasks = manual ? handOverTasksFactor * context.size.tasks : context.size.tasks
  const result = await runChordWorkload({
    workerUrl: topology.target,
    verifyUrl: topology.target,
    barrier,
    total: tasks,
    workers: context.size.workers,
    duplicateRate: context.size.duplicateRate,
    seed: context.seed,
    connection: { ...context.size.connection, waitReplicas, waitTimeoutMs },
    deadlineMs: context.size.deadlineMs * 2,
    // Should the hand-over still outlast the bigger chord, calls must still be in flight when the
    // replica is promoted.
    ...(manual
      ? {
          keepDeliveringUntilFaultSettles: {
            callsAfter: callsAfterHandOverPerWorker * context.size.workers,
            maxCalls: maxCallsPerTask * tasks,
          },
        }
      : {}),
    fault: {
      atFraction: 0.3,
      inject: async history => {
        // runChordWorkload names the chord `chaos-<barrier>`: its keys hash to that id's slot.
        failed = await failOver(context, failoverCase, topology, keySlot(`chaos-${barrier}`), history)
      },
    },
  })
  const run = chaosRun(label, barrier, result)
  const measurements: Measurement[] = []
  if (failed !== undefined) {
    measurements.push({
      name: `${label}: clients found the new primary after`,
      value: failed.outcome.elapsedMs,
      unit: 'ms',
    })
  }
  const promotionCalls =
    failed?.promotion === undefined ? undefined : callsAroundPromotion(result.history, failed.promotion)
  if (promotionCalls !== undefined) {
    measurements.push(
      {
        name: `${label}: completion calls in flight when the replica was promoted`,
        value: promotionCalls.during,
        unit: 'calls',
      },
      {
        name: `${label}: of those, surely across the promotion (sent before it, answered after it)`,
        value: promotionCalls.across,
        unit: 'calls',
      },
      {
        name: `${label}: promotion bracketed by ROLE probes within`,
        value: promotionCalls.bracketMs,
        unit: 'ms',
      },
      {
        name: `${label}: tasks first acknowledged by calls sent from the promotion on`,
        value: promotionCalls.firstAcknowledgedAfter,
        unit: 'tasks',
      },
    )
  }
  if (failed?.behind !== undefined) {
    // The finding the cut-off cases exist for, printed whatever it is (0 included), never required.
    measurements.push(
      {
        name: `${label}: completions first acknowledged while the replicas were cut off`,
        value: firstAcknowledgedWithin(result.history, failed.behind),
        unit: 'tasks',
      },
      { name: `${label}: acknowledged completions lost`, value: run.acknowledgedLost, unit: 'tasks' },
    )
  }
  return { run, measurements, ...(promotionCalls === undefined ? {} : { promotionCalls }) }
}

/** What one failover did: the promotion, and when the replicas were cut off, if they were. */
interface FailedOver {
  outcome: FailoverOutcome
  /** `performance.now()` from the cut to the kill. */
  behind?: { from: number; to: number }
  /** For a hand-over: when the replica became primary (null when the probes did not see it). */
  promotion?: PromotionBracket | null
}

/**
 * The failover of this case for the primary serving `slot`, in numbered steps for the cut-off
 * cases: 1. cut the replicas off; 2. keep completing until a share of the chord's calls ended;
 * 3. kill the primary and resume the replicas, one of which is promoted.
 */
async function failOver(
  context: ScenarioContext,
  failoverCase: FailoverCase,
  topology: RunningTopology,
  slot: number,
  history: OperationHistory<ChordProgress>,
): Promise<FailedOver> {
  const { primary, replicas } = await topology.serving(slot)
  if (failoverCase.failover === 'manual') return handOver(context, topology, primary, replicas)
  if (!failoverCase.replicasBehind) return { outcome: await topology.killPrimary(primary) }
  // 1. Cut off.
  const cutOff = await cutOffReplicas(primary, replicas)
  try {
    // 2. Completions the primary alone holds (or, with WAIT, calls that end in a Replication error).
    const calls = Math.ceil(behindShare * context.size.tasks)
    await callsEndedSince(history, cutOff.since, calls, context.size.faultWindow.maxMs)
    // 3. The kill; the replicas come back only once their primary is gone.
    let killedAt = Number.NaN
    const outcome = await topology.killPrimary(primary, {
      beforeKill: () => {
        killedAt = performance.now()
      },
      afterKill: () => cutOff.rejoin(),
    })
    return { outcome, behind: { from: cutOff.since, to: killedAt } }
  } finally {
    cutOff.rejoin()
  }
}

/** The hand-over, with the promotion bracketed by probes of the replicas that may be promoted. */
async function handOver(
  context: ScenarioContext,
  topology: RunningTopology,
  primary: StartedRedisServer,
  replicas: readonly StartedRedisServer[],
): Promise<FailedOver> {
  let handingOver = true
  const [handedOver, promotion] = await Promise.allSettled([
    topology.handOver(primary, replicas).finally(() => {
      handingOver = false
    }),
    watchPromotion(replicas, () => handingOver, context.size.deadlineMs),
  ])
  if (handedOver.status === 'rejected') throw handedOver.reason
  if (promotion.status === 'rejected') throw promotion.reason
  return { outcome: handedOver.value, promotion: promotion.value }
}

interface RunningTopology extends AsyncDisposable {
  target: RedisTarget
  /** The primary serving `slot` (a Sentinel group's only primary) and its replicas. */
  serving(slot: number): Promise<{ primary: StartedRedisServer; replicas: StartedRedisServer[] }>
  /** SIGKILL; resolves once a replica is promoted and writes can be replicated again. */
  killPrimary(primary: StartedRedisServer, options?: KillPrimaryOptions): Promise<FailoverOutcome>
  /** CLUSTER FAILOVER on a replica, or SENTINEL FAILOVER. */
  handOver(primary: StartedRedisServer, replicas: readonly StartedRedisServer[]): Promise<FailoverOutcome>
}

async function startTopology(failoverCase: FailoverCase): Promise<RunningTopology> {
  if (failoverCase.topology === 'sentinel') {
    const group = await new RedisSentinelGroup({ replicas: 2, sentinels: 3 }).start()
    return {
      target: { sentinels: group.sentinelAddresses(), name: group.name },
      async serving() {
        const primary = await group.primary()
        return { primary, replicas: group.servers.filter(server => server !== primary) }
      },
      async killPrimary(_primary, options) {
        const outcome = await group.killPrimary(options)
        // The sentinels move the other replica to the promoted one: WAIT has a replica again.
        await group.waitUntilSettled()
        return outcome
      },
      handOver: () => group.failover(),
      [Symbol.asyncDispose]: () => group.stop(),
    }
  }
  const cluster = await new RedisCluster({
    primaries: 3,
    replicasPerPrimary: 1,
    // A replica that was away longer than node timeout × validity factor (+ the replication ping
    // period) refuses to stand for promotion; 0 lets a replica that was cut off for any time stand.
    config: failoverCase.replicasBehind ? { 'cluster-replica-validity-factor': '0' } : {},
  }).start()
  return {
    target: { cluster: cluster.addresses() },
    async serving(slot) {
      const primary = await cluster.primaryForSlot(slot)
      return { primary, replicas: await cluster.replicasOf(primary) }
    },
    async killPrimary(primary, options) {
      const outcome = await cluster.killPrimary(primary, options)
      // Until the old primary returns as its replica, the promoted one has none to WAIT for.
      await primary.restart()
      await cluster.waitUntilHealthy()
      return outcome
    },
    async handOver(primary, replicas) {
      const [replica] = replicas
      if (replica === undefined) throw new Error(`${primary.address} has no replica`)
      return cluster.failover(replica)
    },
    [Symbol.asyncDispose]: () => cluster.stop(),
  }
}
