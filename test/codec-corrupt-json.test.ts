import { describe, expect, it } from 'vitest'
import { decodeChordState, decodeTaskMeta, encodeChordState, encodeTaskMeta } from '../src/backend/codec.ts'
import { BackendError } from '../src/index.ts'
import { expectBackendErrorSync } from './support/errors.ts'
import { sampleMeta } from './support/meta.ts'

const taskId = 'task-under-test'

/** Decoding either works or fails with a Serialization BackendError; anything else fails the test. */
function decodeOutcome(decode: () => unknown): 'ok' | 'Serialization' {
  try {
    decode()
    return 'ok'
  } catch (error) {
    expect(error, `decode threw ${String(error)}`).toBeInstanceOf(BackendError)
    expect((error as BackendError).kind).toBe('Serialization')
    return 'Serialization'
  }
}

describe('decodeTaskMeta refuses what is not a result document', () => {
  const corrupt: Array<[string, string]> = [
    ['not JSON', 'this is not json'],
    ['truncated JSON', '{"status": "SUCCESS", "result": 4'],
    ['an empty string', ''],
    ['a JSON array', '["SUCCESS", 4]'],
    ['a JSON string', '"SUCCESS"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
    ['JSON true', 'true'],
    ['a document without status', '{"result": 4, "task_id": "task-under-test"}'],
    ['a numeric status', '{"status": 1, "result": 4}'],
    ['a null status', '{"status": null, "result": 4}'],
    ['an unknown status', '{"status": "EXPLODED", "result": 4}'],
    ['a lower-case status', '{"status": "success", "result": 4}'],
    ['a Celery state chordlab does not store', '{"status": "RECEIVED", "result": null}'],
    ['another task id', '{"status": "SUCCESS", "result": 4, "task_id": "some-other-task"}'],
    ['a numeric task id', '{"status": "SUCCESS", "result": 4, "task_id": 7}'],
    ['a date_done that is not a date', '{"status": "SUCCESS", "result": 4, "date_done": "yesterday"}'],
    [
      'a date_done that does not exist',
      '{"status": "SUCCESS", "result": 4, "date_done": "2026-02-30T10:00:00+00:00"}',
    ],
    [
      'a date_done at hour 24',
      '{"status": "SUCCESS", "result": 4, "date_done": "2026-02-03T24:00:00+00:00"}',
    ],
    ['a numeric date_done', '{"status": "SUCCESS", "result": 4, "date_done": 1786198520}'],
    ['a bad created_at', '{"status": "SUCCESS", "result": 4, "created_at": "2026-13-01T00:00:00Z"}'],
    ['a bad started_at', '{"status": "SUCCESS", "result": 4, "started_at": {}}'],
    ['RETRY with negative retries', '{"status": "RETRY", "result": null, "retries": -1}'],
    ['RETRY with fractional retries', '{"status": "RETRY", "result": null, "retries": 1.5}'],
    ['RETRY with retries as text', '{"status": "RETRY", "result": null, "retries": "3"}'],
    ['FAILURE with an array result', '{"status": "FAILURE", "result": ["ValueError"]}'],
    ['FAILURE with a numeric result', '{"status": "FAILURE", "result": 500}'],
    [
      'FAILURE with a numeric exc_type',
      '{"status": "FAILURE", "result": {"exc_type": 5, "exc_message": []}}',
    ],
    [
      'FAILURE with a list exc_module',
      '{"status": "FAILURE", "result": {"exc_type": "E", "exc_module": []}}',
    ],
    ['FAILURE with a numeric traceback', '{"status": "FAILURE", "result": null, "traceback": 12}'],
    ['a numeric name', '{"status": "SUCCESS", "result": 4, "name": 12}'],
    ['a boolean worker', '{"status": "SUCCESS", "result": 4, "worker": true}'],
    ['a celers-native document', '{"task_id": "task-under-test", "task_name": "t", "result": "Pending"}'],
    [
      'CELERS_GZIP: binary garbage',
      `CELERS_GZIP:${Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x7f]).toString('latin1')}`,
    ],
    ['a UTF-8 byte order mark', '\ufeff{"status": "SUCCESS", "result": 4}'],
  ]

  it.each(corrupt)('%s → Serialization naming the task', (_name, raw) => {
    const error = expectBackendErrorSync(() => decodeTaskMeta(raw, taskId), 'Serialization')
    expect(error.message).toContain(taskId)
  })

  it('quotes only printable characters from the start of a value that is not JSON', () => {
    const raw = `CELERS_GZIP:\u0000\u0001\u001b[31m`
    const error = expectBackendErrorSync(() => decodeTaskMeta(raw, taskId), 'Serialization')
    expect(error.message).toContain('CELERS_GZIP:')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must not reach the message
    expect(error.message).not.toMatch(/[\u0000-\u001f]/)
  })

  it('hints that a celers-native document is not a Celery one', () => {
    const error = expectBackendErrorSync(
      () => decodeTaskMeta('{"task_id": "x", "task_name": "t", "result": "Pending"}', taskId),
      'Serialization',
    )
    expect(error.message).toMatch(/celers-native/)
  })

  it('throws nothing but Serialization for any prefix of a valid document', () => {
    const raw = encodeTaskMeta(
      sampleMeta({
        taskId,
        result: {
          state: 'FAILURE',
          message: 'bad',
          excType: 'ValueError',
          excModule: 'builtins',
          traceback: 'Tb',
        },
      }),
    )
    const outcomes = Array.from({ length: raw.length }, (_, end) =>
      decodeOutcome(() => decodeTaskMeta(raw.slice(0, end), taskId)),
    )
    // Only the whole document is valid JSON.
    expect(outcomes.every(outcome => outcome === 'Serialization')).toBe(true)
    expect(decodeOutcome(() => decodeTaskMeta(raw, taskId))).toBe('ok')
  })

  it('throws nothing but Serialization when any field of any state holds a value of another type', () => {
    const replacements: unknown[] = [
      null,
      true,
      0,
      -1,
      1.5,
      'text',
      '',
      [],
      ['a', 1],
      {},
      { exc_type: 1 },
      { hostname: 5 },
    ]
    const states = ['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'RETRY', 'REVOKED'] as const
    let failures = 0
    let decoded = 0
    for (const state of states) {
      const document = JSON.parse(
        encodeTaskMeta(
          sampleMeta({
            taskId,
            result:
              state === 'SUCCESS'
                ? { state, value: 1 }
                : state === 'FAILURE'
                  ? { state, message: 'm', excType: 'E', excModule: 'm', traceback: 't' }
                  : state === 'RETRY'
                    ? { state, retries: 1, message: 'm' }
                    : state === 'REVOKED'
                      ? { state, reason: 'r' }
                      : { state },
          }),
        ),
      ) as Record<string, unknown>
      for (const field of Object.keys(document)) {
        for (const replacement of replacements) {
          const outcome = decodeOutcome(() =>
            decodeTaskMeta(JSON.stringify({ ...document, [field]: replacement }), taskId),
          )
          if (outcome === 'ok') decoded += 1
          else failures += 1
        }
      }
    }
    // Both outcomes occur: the mutations are neither all accepted nor all refused.
    expect(failures).toBeGreaterThan(0)
    expect(decoded).toBeGreaterThan(0)
  })
})

describe('decodeChordState refuses what is not a chord state', () => {
  const chordId = 'chord-under-test'
  const valid = JSON.parse(
    encodeChordState({
      chordId,
      total: 3,
      callback: 'tasks.sum',
      taskIds: ['a', 'b', 'c'],
      createdAt: new Date('2026-08-08T14:15:20.123Z'),
    }),
  ) as Record<string, unknown>
  const withField = (field: string, value: unknown) => JSON.stringify({ ...valid, [field]: value })
  const without = (field: string) =>
    JSON.stringify(Object.fromEntries(Object.entries(valid).filter(([key]) => key !== field)))

  it('reads the state it writes, with the live count given by the caller', () => {
    expect(decodeChordState(JSON.stringify(valid), chordId, 2)).toEqual({
      chordId,
      total: 3,
      completed: 2,
      callback: 'tasks.sum',
      taskIds: ['a', 'b', 'c'],
      createdAt: new Date('2026-08-08T14:15:20.123Z'),
    })
  })

  it.each([
    ['not JSON', 'chord!'],
    ['a JSON array', '[3]'],
    ['a JSON string', '"chord"'],
    ['JSON null', 'null'],
    ['no total', without('total')],
    ['a total of 0', withField('total', 0)],
    ['a negative total', withField('total', -2)],
    ['a fractional total', withField('total', 2.5)],
    ['a total as text', withField('total', '3')],
    ['a numeric callback', withField('callback', 7)],
    ['task_ids that are not a list', withField('task_ids', 'a,b,c')],
    ['task_ids holding numbers', withField('task_ids', [1, 2, 3])],
    ['no created_at', without('created_at')],
    ['a created_at that is not a date', withField('created_at', 'soon')],
    ['binary garbage', 'CELERS_GZIP:\u001f\u008b\u0008'],
  ])('%s → Serialization naming the chord', (_name, raw) => {
    const error = expectBackendErrorSync(() => decodeChordState(raw, chordId, 0), 'Serialization')
    expect(error.message).toContain(chordId)
  })
})
