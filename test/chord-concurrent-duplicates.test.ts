import { describe, expect, it } from 'vitest'
import { type BarrierName, barrierNames } from '../src/index.ts'
import { raceChord } from '../src/workloads/chord-race.ts'
import { uniqueId, uniqueNamespace } from './support/meta.ts'
import { useSuiteRedis } from './support/suite-redis.ts'

const redis = useSuiteRedis()

const race = { total: 1_000, workers: 32, duplicateRate: 0.3 }

// CHORDLAB_BARRIER=seed-incr runs the exactness test against a broken variant, to watch it fail.
const barrierUnderTest = (process.env.CHORDLAB_BARRIER ?? 'reference') as BarrierName
if (!barrierNames.includes(barrierUnderTest))
  throw new Error(`CHORDLAB_BARRIER must be one of ${barrierNames.join(', ')}`)

describe('a chord of 1,000 tasks completed by 32 connections with 30% duplicate deliveries', () => {
  it.each([1, 7, 2026])(`the ${barrierUnderTest} barrier is exact (seed %i)`, async seed => {
    const result = await raceChord({
      url: redis.url(),
      backend: { namespace: uniqueNamespace(), barrier: barrierUnderTest },
      ...race,
      seed,
      chordId: uniqueId('race'),
    })
    expect(result.check.violations).toEqual([])
    expect(result.check.verdict).toBe('exact')
    expect(result.check.firedCount).toBe(1)
    expect(result.check.finalCount).toBe(1_000)
    expect(result.check.distinctAcknowledged).toBe(1_000)
    // The duplicates really happened: about 30% of tasks were delivered 2 or 3 times.
    expect(result.deliveries).toBeGreaterThan(1_300)
    expect(result.records.filter(record => record.outcome !== 'ok')).toEqual([])
    const fired = result.records.filter(record => record.outcome === 'ok' && record.isLast)
    expect(fired).toHaveLength(1)
  })

  it.each([1, 7])('the seed-incr barrier is caught counting duplicates (seed %i)', async seed => {
    const result = await raceChord({
      url: redis.url(),
      backend: { namespace: uniqueNamespace(), barrier: 'seed-incr' },
      ...race,
      seed,
      chordId: uniqueId('race'),
    })
    expect(result.check.verdict).not.toBe('exact')
    expect(['duplicate-applied', 'double-fired', 'fired-early']).toContain(result.check.verdict)
    expect(result.check.firedCount).toBeGreaterThan(1)
    expect(result.check.finalCount).toBeGreaterThan(1_000)
  })

  it.each([1, 7])('the naive-rmw barrier is caught losing acknowledged completions (seed %i)', async seed => {
    const result = await raceChord({
      url: redis.url(),
      backend: { namespace: uniqueNamespace(), barrier: 'naive-rmw' },
      ...race,
      seed,
      chordId: uniqueId('race'),
    })
    expect(result.check.verdict).not.toBe('exact')
    expect(result.check.verdict).toBe('lost-acknowledged')
    expect(result.check.finalCount).toBeLessThan(1_000)
  })
})
