import { describe, expect, it } from 'vitest'
import {
  type CompletionRecord,
  checkChord,
  checkChordHistory,
  completionRecords,
  type FinalChordState,
} from '../src/history/chord-check.ts'
import { OperationHistory } from '../src/history/operation-history.ts'

let clock = 0
const ok = (taskId: string, completed: number, isLast = false): CompletionRecord => ({
  taskId,
  startedAt: clock++,
  endedAt: clock++,
  outcome: 'ok',
  completed,
  isLast,
})
const unknown = (taskId: string): CompletionRecord => ({
  taskId,
  startedAt: clock++,
  endedAt: clock++,
  outcome: 'unknown',
})
const failed = (taskId: string): CompletionRecord => ({
  taskId,
  startedAt: clock++,
  endedAt: clock++,
  outcome: 'fail',
})
const final = (count: number, finisherTaskId: string | null = null): FinalChordState => ({
  exists: true,
  count,
  finisherTaskId,
})

describe('the history checker', () => {
  it('exact: every acknowledged task counted once, one call fired, after every task was delivered', () => {
    const check = checkChordHistory(3, [ok('a', 1), ok('b', 2), ok('a', 2), ok('c', 3, true)], final(3, 'c'))
    expect(check).toMatchObject({ verdict: 'exact', consistent: true, firedCount: 1, acknowledgedLost: 0 })
  })

  it('lost-acknowledged: Redis holds fewer than were acknowledged, or lost the chord', () => {
    expect(checkChordHistory(3, [ok('a', 1), ok('b', 1), ok('c', 2)], final(2)).verdict).toBe(
      'lost-acknowledged',
    )
    const gone = checkChordHistory(3, [ok('a', 1), ok('b', 2), failed('c')], {
      exists: false,
      count: 0,
      finisherTaskId: null,
    })
    expect(gone).toMatchObject({ verdict: 'lost-acknowledged', chordExists: false, acknowledgedLost: 2 })
    expect(gone.violations[0]?.detail).toContain('the chord is gone from Redis')
  })

  it('duplicate-applied: the final count is above acknowledged + unknown (a task counted twice)', () => {
    const check = checkChordHistory(3, [ok('a', 1), ok('b', 2), unknown('c'), ok('c', 4, true)], final(4))
    expect(check.verdict).toBe('duplicate-applied')
    expect(check.distinctUnknown).toBe(0)
  })

  it('ok <= final <= ok + unknown: an unknown call may or may not have counted', () => {
    const history = [ok('a', 1), ok('b', 2), unknown('c')]
    expect(checkChordHistory(4, history, final(2)).verdict).toBe('exact')
    expect(checkChordHistory(4, history, final(3)).verdict).toBe('exact')
    expect(checkChordHistory(4, history, final(4)).verdict).toBe('duplicate-applied')
    expect(checkChordHistory(4, history, final(1)).verdict).toBe('lost-acknowledged')
  })

  it('double-fired and fired-early', () => {
    const double = checkChordHistory(2, [ok('a', 1), ok('b', 2, true), ok('b', 3, true)], final(3))
    expect(double.violations.map(violation => violation.kind)).toEqual(['duplicate-applied', 'double-fired'])
    const early = checkChordHistory(2, [ok('a', 2, true), ok('b', 2)], final(2))
    expect(early.violations.map(violation => violation.kind)).toEqual(['fired-early'])
  })

  it('never-fired without a reason is a violation', () => {
    const check = checkChordHistory(2, [ok('a', 1), ok('b', 2)], final(2, 'b'))
    expect(check).toMatchObject({ verdict: 'never-fired', consistent: false, neverFiredReason: null })
  })

  it('never-fired with a reason: the finishing call ended unknown and its redelivery was a duplicate', () => {
    const check = checkChordHistory(2, [ok('a', 1), unknown('b'), ok('b', 2)], final(2, 'b'))
    expect(check).toMatchObject({ verdict: 'never-fired', consistent: true, violations: [] })
    expect(check.neverFiredReason).toMatch(/task b\) ended unknown.*1 redelivery/)
  })

  it('keeps checkChord (total, records, final count) working for its callers', () => {
    expect(checkChord(2, [ok('a', 1), ok('b', 2, true)], 2).verdict).toBe('exact')
    expect(checkChord(2, [ok('a', 1), ok('b', 1)], 1).verdict).toBe('lost-acknowledged')
  })

  it('records operations with their times and outcomes, and the ones still pending', async () => {
    const history = new OperationHistory<{ completed: number; isLast: boolean }>(error => ({
      outcome: String(error).includes('timed out') ? 'unknown' : 'fail',
      kind: String(error).includes('timed out') ? 'Connection' : 'NotFound',
    }))
    let release: (value: { completed: number; isLast: boolean }) => void = () => {}
    const hanging = history.record('w1', 'c', () => new Promise(resolve => (release = resolve)))
    await history.record('w1', 'a', async () => ({ completed: 1, isLast: false }))
    await history.record('w2', 'b', async () => Promise.reject(new Error('Command timed out')))
    await history.record('w2', 'z', async () => Promise.reject(new Error('chord does not exist')))
    expect(history.pending().map(operation => operation.subject)).toEqual(['c'])
    release({ completed: 2, isLast: true })
    await hanging
    expect(history.pending()).toEqual([])
    expect(history.counts()).toEqual({ ok: 2, fail: 1, unknown: 1 })
    expect(history.errorKinds()).toEqual({ Connection: 1, NotFound: 1 })
    const records = completionRecords(history.records)
    expect(records.map(record => [record.taskId, record.outcome])).toEqual([
      ['a', 'ok'],
      ['b', 'unknown'],
      ['z', 'fail'],
      ['c', 'ok'],
    ])
    expect(records.every(record => record.endedAt >= record.startedAt)).toBe(true)
  })
})
