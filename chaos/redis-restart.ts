import type { BarrierName } from '../src/backend/barrier/index.ts'
import type { ChaosRun, PersistenceRow } from '../src/report/sections/chaos.ts'
import type { PersistenceProfile } from '../src/servers/persistence-profiles.ts'
import { chordRunThroughProxy } from './support/chord-run.ts'
import { pingUntilAnswered, startRedisTarget } from './support/redis-target.ts'
import {
  brokenVariantCaught,
  type ChaosScenario,
  chaosRun,
  errorsTyped,
  expectation,
  faultOverlapped,
  nothingHung,
  scenarioReport,
  skippedScenario,
} from './support/scenario.ts'

type ProcessFault = PersistenceRow['fault']

const processFaults: readonly ProcessFault[] = ['SIGKILL', 'graceful restart']

/** Profiles that promise to keep every acknowledged write through a process kill and a restart. */
const durable = (profile: string, fault: ProcessFault) =>
  profile === 'aof-always' ||
  profile === 'aof-everysec' ||
  (profile === 'rdb' && fault === 'graceful restart')

const answerTimeoutMs = 15_000

/**
 * Redis killed (SIGKILL) or shut down gracefully (SIGTERM) in the middle of a chord and started
 * again on the same data, under each persistence profile. Clients reach Redis through a proxy
 * with no toxics, so they reconnect to the same address whatever port a container comes back on.
 */
export const redisRestartScenario: ChaosScenario = {
  id: 'redis-restart',
  title: 'Redis killed or restarted in the middle of a chord',
  description:
    'Half-way through a chord, Redis is killed with SIGKILL or shut down with SIGTERM and started again ' +
    'on the same directory, under none, rdb, aof-everysec and aof-always. aof-always (both faults), ' +
    'aof-everysec and rdb (graceful) must keep every acknowledged completion; after SIGKILL rdb loses what ' +
    'came after the last snapshot and aof-everysec may lose writes Redis postponed behind a slow fsync ' +
    '(both reported, not required); none loses the chord, and the checker must say so.',
  async run(context) {
    if (context.redisSource === 'external') {
      return {
        report: skippedScenario(
          this,
          'REDIS_URL is set: chordlab does not kill or restart a server it did not start',
        ),
      }
    }
    const started = performance.now()
    const runs: ChaosRun[] = []
    const persistence: PersistenceRow[] = []
    for (const profile of context.size.profiles) {
      for (const fault of processFaults) {
        for (const barrier of context.size.barriers) {
          const outcome = await restartRun(context, profile, fault, barrier)
          runs.push(outcome.run)
          if (barrier === 'reference') {
            const { run, downtimeMs } = outcome
            persistence.push({
              profile,
              fault,
              acknowledged: run.acknowledged,
              acknowledgedLost: run.acknowledgedLost,
              outcome: run.verdict,
              chordExists: run.chordExists,
              downtimeMs,
            })
          }
        }
      }
    }
    const reference = runs.filter(run => run.barrier === 'reference')
    const kept = reference.filter(run => durable(profileOf(run), faultOf(run)))
    const lostKept = kept.filter(run => !run.consistent || run.acknowledgedLost > 0)
    const none = reference.filter(run => profileOf(run) === 'none')
    const noneMissed = none.filter(run => run.verdict !== 'lost-acknowledged')
    return {
      persistence,
      report: scenarioReport(this, started, {
        runs,
        measurements: persistence.map(row => ({
          name: `${row.profile}, ${row.fault}: Redis answered again after`,
          value: Math.round(row.downtimeMs),
          unit: 'ms',
        })),
        expectations: [
          expectation(
            'durable-profiles-keep-acknowledged',
            'aof-always (both faults), aof-everysec and rdb (graceful) keep every acknowledged completion',
            kept.length > 0 && lostKept.length === 0,
            (lostKept.length === 0 ? kept : lostKept)
              .map(run => `${run.fault}: ${run.verdict}, ${run.acknowledgedLost} of ${run.acknowledged} lost`)
              .join('; ') || 'no durable profile ran',
          ),
          expectation(
            'none-loss-detected',
            'under none, the checker reports the lost chord (lost-acknowledged)',
            noneMissed.length === 0,
            none
              .map(run => `${run.fault}: ${run.verdict}${run.chordExists ? '' : ', chord gone'}`)
              .join('; ') || 'the none profile did not run',
          ),
          faultOverlapped(runs),
          nothingHung(runs),
          errorsTyped(runs),
          brokenVariantCaught(runs),
        ],
      }),
    }
  },
}

/** One chord on a fresh Redis of `profile`, restarted half-way; the downtime is measured by a fresh PING. */
async function restartRun(
  context: Parameters<ChaosScenario['run']>[0],
  profile: PersistenceProfile,
  fault: ProcessFault,
  barrier: BarrierName,
): Promise<{ run: ChaosRun; downtimeMs: number }> {
  await using target = await startRedisTarget(context.redisSource, profile)
  const restart = target.restart
  if (restart === null) throw new Error('this Redis cannot be restarted')
  let downtimeMs = Number.NaN
  const result = await chordRunThroughProxy(context, target, {
    label: `restart-${profile}`,
    barrier,
    duplicateRate: context.size.duplicateRate,
    atFraction: 0.5,
    fault: async proxied => {
      const faultStarted = performance.now()
      await restart(fault === 'graceful restart')
      await pingUntilAnswered(target.url(), answerTimeoutMs)
      downtimeMs = performance.now() - faultStarted
      // A container may come back on another host port: point the proxy at it.
      const { listen, upstream } = proxied.proxy
      if (upstream !== target.address()) {
        proxied.proxy = await proxied.proxy.update({ enabled: true, listen, upstream: target.address() })
      }
    },
  })
  return { run: chaosRun(`${profile}, ${fault}`, barrier, result), downtimeMs }
}

function profileOf(run: ChaosRun): string {
  return run.fault.split(', ')[0] ?? ''
}

function faultOf(run: ChaosRun): ProcessFault {
  return run.fault.endsWith('SIGKILL') ? 'SIGKILL' : 'graceful restart'
}
