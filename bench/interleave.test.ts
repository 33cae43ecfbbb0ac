import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, test } from 'vitest'
import { type Arm, rotation, runInterleaved } from '../src/measure/interleave.ts'
import { measureLatencyRound } from '../src/measure/latency-round.ts'
import { measureRateRound } from '../src/measure/rate-round.ts'
import { ratioAcrossRounds, roundStat } from '../src/measure/ratio.ts'

describe('interleaved rounds', () => {
  test('warm every arm up once, then rotate the order round by round', async () => {
    const calls: string[] = []
    const arm = (name: string): Arm<string> => ({
      name,
      async measure(phase) {
        calls.push(phase === 'warmup' ? `${name}(warmup)` : name)
        return `${name}${calls.length}`
      },
    })
    const results = await runInterleaved([arm('A'), arm('B'), arm('C')], { rounds: 4 })
    expect(calls).toEqual([
      'A(warmup)',
      'B(warmup)',
      'C(warmup)',
      ...['A', 'B', 'C'],
      ...['B', 'C', 'A'],
      ...['C', 'A', 'B'],
      ...['A', 'B', 'C'],
    ])
    // Each arm keeps its own measurements in round order, whatever position it ran at.
    expect(results.map(result => [result.arm.name, result.rounds])).toEqual([
      ['A', ['A4', 'A9', 'A11', 'A13']],
      ['B', ['B5', 'B7', 'B12', 'B14']],
      ['C', ['C6', 'C8', 'C10', 'C15']],
    ])
  })

  test('A B, then B A, for a subject and its control', () => {
    expect([0, 1, 2, 3].map(round => rotation(['A', 'B'], round).join(''))).toEqual(['AB', 'BA', 'AB', 'BA'])
  })

  test('refuse duplicate arm names and zero rounds', async () => {
    const arm: Arm<number> = { name: 'same', measure: async () => 1 }
    await expect(runInterleaved([arm, arm], { rounds: 1 })).rejects.toThrow(/distinct/)
    await expect(runInterleaved([arm], { rounds: 0 })).rejects.toThrow(RangeError)
  })
})

describe('ratios across rounds', () => {
  test('take the ratio per round, then the median of those', () => {
    // Per round: 2, 2, 3 (not median(subject) / median(control) = 4 / 2 = 2 by luck: see the next case).
    expect(ratioAcrossRounds([2, 4, 6], [1, 2, 2])).toMatchObject({
      median: 2,
      min: 2,
      max: 3,
      perRound: [2, 2, 3],
    })
    // A slow round slows both arms: the per-round ratio stays 1.1 while absolute times triple.
    const ratio = ratioAcrossRounds([110, 330, 121], [100, 300, 110])
    expect(ratio.median).toBeCloseTo(1.1)
    expect(ratio.max - ratio.min).toBeLessThan(1e-9)
  })

  test("estimate the median's standard error from the interquartile range, unmoved by one wild round", () => {
    // [2, 2, 3]: IQR = 2.5 − 2 = 0.5, σ ≈ 0.5 / 1.349, SE ≈ 1.2533 σ / √3.
    expect(roundStat([2, 2, 3]).standardError).toBeCloseTo((1.2533 * (0.5 / 1.349)) / Math.sqrt(3), 9)
    expect(roundStat([1, 1, 1, 1, 100]).standardError).toBe(0)
    expect(roundStat([1, 2, 4, 8, 16]).standardError).toBeGreaterThan(1)
  })

  test('refuse rounds that do not pair up', () => {
    expect(() => ratioAcrossRounds([1, 2], [1])).toThrow(RangeError)
    expect(() => roundStat([])).toThrow(RangeError)
  })
})

describe('rounds against the tools’ traps', () => {
  test('a rate round counts every unit from every loop in flight', async () => {
    let steps = 0
    const round = await measureRateRound(
      async () => {
        steps += 1
        await nextTurn()
        return 3
      },
      { timeMs: 30, inFlight: 8 },
    )
    expect(steps).toBeGreaterThan(8)
    expect(round.units).toBe(steps * 3)
  })

  test('a concurrent latency round is not capped at 64 calls and times every call it makes', async () => {
    let calls = 0
    const round = await measureLatencyRound(
      'next turn',
      async () => {
        calls += 1
        await nextTurn()
      },
      { timeMs: 50, concurrency: 4 },
    )
    expect(round.samplesUs.length).toBeGreaterThan(64)
    // tinybench calls a task once at add() to see whether it is async unless told: no extra call here.
    expect(calls).toBe(round.samplesUs.length)
  })

  test('a failing call fails the round instead of becoming an "errored" task', async () => {
    await expect(
      measureLatencyRound(
        'fails',
        async () => {
          throw new Error('boom')
        },
        { timeMs: 10 },
      ),
    ).rejects.toThrow('boom')
  })
})
