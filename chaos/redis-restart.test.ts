import { describe, expect, it } from 'vitest'
import { redisRestartScenario } from './redis-restart.ts'
import { expectMet, useScenario } from './support/use-scenario.ts'

const outcome = useScenario(redisRestartScenario)
const external = Boolean(process.env.REDIS_URL)

describe('Redis killed or restarted in the middle of a chord, per persistence profile', () => {
  it.runIf(external)('is skipped, with the reason, against a REDIS_URL server', () => {
    const { report } = outcome()
    expect(report.status).toBe('skipped')
    expect(report.skipReason).toMatch(/REDIS_URL/)
  })

  it.skipIf(external)(
    'aof-always (both faults), aof-everysec and rdb (graceful) keep every acknowledged completion',
    () => {
      const { report, persistence = [] } = outcome()
      expectMet(report, 'durable-profiles-keep-acknowledged')
      const alwaysKill = persistence.find(row => row.profile === 'aof-always' && row.fault === 'SIGKILL')
      expect(alwaysKill).toMatchObject({ acknowledgedLost: 0, chordExists: true })
    },
  )

  it.skipIf(external)(
    'catches the loss under none: the chord is gone and the verdict is lost-acknowledged',
    () => {
      const { report, persistence = [] } = outcome()
      expectMet(report, 'none-loss-detected')
      const none = persistence.filter(row => row.profile === 'none')
      expect(none.map(row => [row.fault, row.outcome, row.chordExists])).toEqual([
        ['SIGKILL', 'lost-acknowledged', false],
        ['graceful restart', 'lost-acknowledged', false],
      ])
      expect(none.every(row => row.acknowledgedLost > 0)).toBe(true)
    },
  )

  it.skipIf(external)(
    'fills the persistence table: 4 profiles × 2 faults, each with a measured downtime',
    () => {
      const { persistence = [] } = outcome()
      expect(persistence.map(row => `${row.profile}/${row.fault}`)).toEqual([
        'none/SIGKILL',
        'none/graceful restart',
        'rdb/SIGKILL',
        'rdb/graceful restart',
        'aof-everysec/SIGKILL',
        'aof-everysec/graceful restart',
        'aof-always/SIGKILL',
        'aof-always/graceful restart',
      ])
      expect(persistence.every(row => row.downtimeMs > 0)).toBe(true)
    },
  )

  it.skipIf(external)('nothing hangs, errors are typed, a broken barrier is caught', () => {
    const { report } = outcome()
    expectMet(report, 'nothing-hangs')
    expectMet(report, 'errors-typed')
    expectMet(report, 'broken-caught')
    expect(report.status).toBe('passed')
  })
})
