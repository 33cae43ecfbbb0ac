import { describe, expect, it } from 'vitest'
import { decodeTaskMeta, encodeTaskMeta } from '../src/backend/codec.ts'
import type { TaskMeta, TaskResult } from '../src/index.ts'
import { comparable, sampleMeta } from './support/meta.ts'

/** Python's `datetime.isoformat()` of an aware UTC datetime with microseconds. */
const pythonIsoformat = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/

function documentOf(meta: TaskMeta): Record<string, unknown> {
  const parsed: unknown = JSON.parse(encodeTaskMeta(meta))
  expect(parsed).toBeTypeOf('object')
  return parsed as Record<string, unknown>
}

const celeryOrder = ['status', 'result', 'traceback', 'children', 'date_done', 'name', 'worker']
const chordlabTail = ['created_at', 'started_at', 'completed_at', 'task_id']

const everyState: TaskResult[] = [
  { state: 'PENDING' },
  { state: 'STARTED' },
  { state: 'SUCCESS', value: 4 },
  { state: 'FAILURE', message: 'bad input', excType: 'ValueError', excModule: 'builtins', traceback: 'Tb' },
  { state: 'RETRY', retries: 3, message: 'Retry in 10s' },
  { state: 'REVOKED', reason: 'terminated' },
]

describe('encodeTaskMeta writes the document Celery writes', () => {
  it.each(everyState)('keeps Celery key order with task_id last ($state)', result => {
    const keys = Object.keys(documentOf(sampleMeta({ result })))
    const retries = result.state === 'RETRY' ? ['retries'] : []
    expect(keys).toEqual([...celeryOrder, ...retries, ...chordlabTail])
    expect(keys.at(-1)).toBe('task_id')
  })

  it('writes the SUCCESS value as `result`, empty children and a null traceback', () => {
    const meta = sampleMeta({
      taskId: 'a7c1',
      result: { state: 'SUCCESS', value: { sum: 4, parts: [1, 3] } },
    })
    expect(documentOf(meta)).toEqual({
      status: 'SUCCESS',
      result: { sum: 4, parts: [1, 3] },
      traceback: null,
      children: [],
      date_done: '2026-08-08T14:15:20.123000+00:00',
      name: 'tasks.add',
      worker: 'celery@worker-1',
      created_at: '2026-08-08T14:15:18.001000+00:00',
      started_at: '2026-08-08T14:15:19.250000+00:00',
      completed_at: '2026-08-08T14:15:20.123000+00:00',
      task_id: 'a7c1',
    })
  })

  it('formats every timestamp as Python isoformat with 6 fraction digits and +00:00', () => {
    const meta = sampleMeta({
      createdAt: new Date('1999-12-31T23:59:59.999Z'),
      startedAt: new Date('2026-01-01T00:00:00.000Z'),
      completedAt: new Date('2026-02-28T05:06:07.080Z'),
    })
    const document = documentOf(meta)
    for (const name of ['date_done', 'created_at', 'started_at', 'completed_at']) {
      expect(document[name], name).toMatch(pythonIsoformat)
    }
    expect(document.created_at).toBe('1999-12-31T23:59:59.999000+00:00')
    expect(document.started_at).toBe('2026-01-01T00:00:00.000000+00:00')
    expect(document.date_done).toBe('2026-02-28T05:06:07.080000+00:00')
  })

  it.each([
    ['SUCCESS', true],
    ['FAILURE', true],
    ['REVOKED', true],
    ['PENDING', false],
    ['STARTED', false],
    ['RETRY', false],
  ] as const)('sets date_done for %s only when the state is ready (%s)', (state, ready) => {
    const result = everyState.find(candidate => candidate.state === state)
    expect(result).toBeDefined()
    const document = documentOf(sampleMeta({ result: result as TaskResult }))
    expect(document.date_done).toBe(ready ? '2026-08-08T14:15:20.123000+00:00' : null)
    // The spec's completed_at is kept whatever the state.
    expect(document.completed_at).toBe('2026-08-08T14:15:20.123000+00:00')
  })

  it('leaves date_done null for a ready state without a completion time', () => {
    const document = documentOf(sampleMeta({ completedAt: null }))
    expect(document.date_done).toBeNull()
    expect(document.completed_at).toBeNull()
  })

  it("encodes FAILURE as Celery's exception shape plus the traceback", () => {
    const document = documentOf(
      sampleMeta({
        result: {
          state: 'FAILURE',
          message: 'bad input',
          excType: 'ValueError',
          excModule: 'builtins',
          traceback: 'Traceback (most recent call last):\n  File "t.py", line 1\nValueError: bad input',
        },
      }),
    )
    expect(document.status).toBe('FAILURE')
    expect(document.result).toEqual({
      exc_type: 'ValueError',
      exc_message: ['bad input'],
      exc_module: 'builtins',
    })
    expect(Object.keys(document.result as object)).toEqual(['exc_type', 'exc_message', 'exc_module'])
    expect(document.traceback).toBe(
      'Traceback (most recent call last):\n  File "t.py", line 1\nValueError: bad input',
    )
  })

  it('gives a FAILURE without exception details a generic Exception from builtins', () => {
    const document = documentOf(sampleMeta({ result: { state: 'FAILURE', message: 'boom' } }))
    expect(document.result).toEqual({ exc_type: 'Exception', exc_message: ['boom'], exc_module: 'builtins' })
    expect(document.traceback).toBeNull()
  })

  it('encodes RETRY with a retries field and the Retry exception', () => {
    const document = documentOf(
      sampleMeta({ result: { state: 'RETRY', retries: 3, message: 'Retry in 10s' } }),
    )
    expect(document.retries).toBe(3)
    expect(document.result).toEqual({
      exc_type: 'Retry',
      exc_message: ['Retry in 10s'],
      exc_module: 'celery.exceptions',
    })
    expect(document.traceback).toBeNull()
    expect(document.date_done).toBeNull()
  })

  it('writes no retries field for other states', () => {
    for (const result of everyState.filter(candidate => candidate.state !== 'RETRY')) {
      expect(documentOf(sampleMeta({ result })), result.state).not.toHaveProperty('retries')
    }
  })

  it('encodes REVOKED as TaskRevokedError with the reason as its argument', () => {
    const withReason = documentOf(sampleMeta({ result: { state: 'REVOKED', reason: 'terminated' } }))
    expect(withReason.result).toEqual({
      exc_type: 'TaskRevokedError',
      exc_message: ['terminated'],
      exc_module: 'celery.exceptions',
    })
    expect(withReason.traceback).toBeNull()
    const withoutReason = documentOf(sampleMeta({ result: { state: 'REVOKED' } }))
    expect(withoutReason.result).toEqual({
      exc_type: 'TaskRevokedError',
      exc_message: [],
      exc_module: 'celery.exceptions',
    })
  })

  it('encodes STARTED with the worker as hostname, like task_track_started', () => {
    const document = documentOf(sampleMeta({ result: { state: 'STARTED' }, worker: 'celery@w2' }))
    expect(document.result).toMatchObject({ hostname: 'celery@w2' })
    expect(Object.keys(document.result as object)).toEqual(['pid', 'hostname'])
  })

  it('encodes PENDING with a null result', () => {
    expect(documentOf(sampleMeta({ result: { state: 'PENDING' } })).result).toBeNull()
  })
})

describe('every TaskResult variant round-trips through encode and decode', () => {
  const variants: Array<[string, TaskMeta]> = [
    [
      'PENDING, nothing known',
      sampleMeta({
        taskName: null,
        result: { state: 'PENDING' },
        createdAt: null,
        startedAt: null,
        completedAt: null,
        worker: null,
      }),
    ],
    [
      'PENDING with a creation time',
      sampleMeta({ result: { state: 'PENDING' }, startedAt: null, completedAt: null }),
    ],
    ['STARTED with a worker', sampleMeta({ result: { state: 'STARTED' }, completedAt: null })],
    [
      'STARTED without a worker',
      sampleMeta({ result: { state: 'STARTED' }, worker: null, completedAt: null }),
    ],
    ['SUCCESS with an object', sampleMeta()],
    ['SUCCESS with a number', sampleMeta({ result: { state: 'SUCCESS', value: -12.5 } })],
    ['SUCCESS with a string', sampleMeta({ result: { state: 'SUCCESS', value: 'héllo ✓ "quoted"\n' } })],
    ['SUCCESS with null', sampleMeta({ result: { state: 'SUCCESS', value: null } })],
    ['SUCCESS with false', sampleMeta({ result: { state: 'SUCCESS', value: false } })],
    ['SUCCESS with an empty array', sampleMeta({ result: { state: 'SUCCESS', value: [] } })],
    [
      'SUCCESS with nested data',
      sampleMeta({ result: { state: 'SUCCESS', value: { a: [{ b: { c: [1, 'x', null, true] } }], '': 0 } } }),
    ],
    [
      'FAILURE with every detail',
      sampleMeta({
        result: {
          state: 'FAILURE',
          message: 'bad input',
          excType: 'ValueError',
          excModule: 'builtins',
          traceback: 'Traceback …',
        },
      }),
    ],
    [
      'FAILURE with an empty message',
      sampleMeta({ result: { state: 'FAILURE', message: '', excType: 'KeyError', excModule: 'builtins' } }),
    ],
    ['RETRY with a message', sampleMeta({ result: { state: 'RETRY', retries: 3, message: 'later' } })],
    ['RETRY without a message', sampleMeta({ result: { state: 'RETRY', retries: 0 } })],
    ['REVOKED with a reason', sampleMeta({ result: { state: 'REVOKED', reason: 'terminated' } })],
    ['REVOKED without a reason', sampleMeta({ result: { state: 'REVOKED' } })],
    [
      'SUCCESS at the epoch',
      sampleMeta({ createdAt: new Date(0), startedAt: new Date(1), completedAt: new Date(999) }),
    ],
  ]

  it.each(variants)('%s', (_name, meta) => {
    const decoded = decodeTaskMeta(encodeTaskMeta(meta), meta.taskId)
    expect(comparable(decoded)).toEqual(comparable(meta))
    for (const field of ['createdAt', 'startedAt', 'completedAt'] as const) {
      expect(decoded[field]?.getTime() ?? null, field).toBe(meta[field]?.getTime() ?? null)
    }
  })

  it('reads a FAILURE without exception details back as Exception from builtins', () => {
    const meta = sampleMeta({ result: { state: 'FAILURE', message: 'boom' } })
    expect(decodeTaskMeta(encodeTaskMeta(meta), meta.taskId).result).toEqual({
      state: 'FAILURE',
      message: 'boom',
      excType: 'Exception',
      excModule: 'builtins',
    })
  })
})
