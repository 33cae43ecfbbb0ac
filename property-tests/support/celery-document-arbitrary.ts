import fc from 'fast-check'
import type { JsonValue } from '../../src/backend/json.ts'
import type { TaskState } from '../../src/backend/types.ts'
import { anyText } from './task-meta-arbitrary.ts'

/**
 * Result documents shaped like the ones Celery writes (celery/backends/base.py `_store_result`,
 * with and without `result_extended`, Celery 4's naive `utcnow()` dates, chrono's `Z` dates), and
 * documents that are not result documents at all. Each comes with what reading it must give.
 */

const states: readonly TaskState[] = ['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'RETRY', 'REVOKED']
const readyStates: ReadonlySet<TaskState> = new Set(['SUCCESS', 'FAILURE', 'REVOKED'])

/** A Celery document and the fields chordlab must read out of it. */
export interface CeleryDocument {
  document: Record<string, unknown>
  expected: {
    state: TaskState
    taskName: string | null
    worker: string | null
    /** Epoch ms of `date_done` at the precision its text carries, or null. */
    completedAt: number | null
    /** SUCCESS only. */
    value?: JsonValue
    /** FAILURE only; null when the exception was stored as a bare message. */
    excType?: string | null
    /** RETRY only. */
    retries?: number
  }
}

/** A timestamp as one of its writers spells it, and the instant it denotes at that precision. */
const spelledTimestamp = fc
  .record({
    instant: fc.date({
      min: new Date('1000-01-02T00:00:00Z'),
      max: new Date('9999-12-30T00:00:00Z'),
      noInvalidDate: true,
    }),
    separator: fc.constantFrom('T', ' '),
    // Python writes 0 or 6 digits, chrono 0 to 9; past milliseconds they are extra precision.
    fractionDigits: fc.constantFrom(0, 1, 2, 3, 6, 9),
    extraDigits: fc.stringMatching(/^\d{6}$/),
    // Celery 5 '+00:00', Celery 4 none (naive utcnow), chrono 'Z', and other zones.
    offsetMinutes: fc.constantFrom(0, 0, 0, 330, -480, 60),
    offsetStyle: fc.constantFrom('colon', 'compact', 'z', 'none'),
  })
  .map(({ instant, separator, fractionDigits, extraDigits, offsetMinutes, offsetStyle }) => {
    const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString()
    const milliseconds = local.slice(20, 23)
    const fraction = `${milliseconds}${extraDigits}`.slice(0, fractionDigits)
    const kept = 10 ** (3 - Math.min(3, fractionDigits))
    const denoted = instant.getTime() - (((instant.getTime() % kept) + kept) % kept)
    return {
      text: `${local.slice(0, 10)}${separator}${local.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`}${offsetText(offsetMinutes, offsetStyle)}`,
      epochMs: denoted,
    }
  })

/** `+05:30`, `+0530`; for UTC also `Z` or nothing (a naive time, which Celery means as UTC). */
function offsetText(minutes: number, style: 'colon' | 'compact' | 'z' | 'none'): string {
  if (minutes === 0 && style === 'z') return 'Z'
  if (minutes === 0 && style === 'none') return ''
  const sign = minutes < 0 ? '-' : '+'
  const hours = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')
  const rest = String(Math.abs(minutes) % 60).padStart(2, '0')
  return style === 'compact' ? `${sign}${hours}${rest}` : `${sign}${hours}:${rest}`
}

const jsonValue = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>

/** Celery's exception shape `{exc_type, exc_message: args, exc_module}`, and the message chordlab reads from it. */
const celeryException = (type: fc.Arbitrary<string>) =>
  fc.record({
    exc_type: type,
    exc_message: fc.oneof(fc.tuple(anyText), fc.constant([])),
    exc_module: anyText,
  })

/** The parts of a document that depend on its status. */
const statusParts = fc.constantFrom(...states).chain(state => {
  const result: fc.Arbitrary<unknown> = {
    PENDING: fc.constant(null),
    STARTED: fc.record({ pid: fc.nat(), hostname: anyText }),
    SUCCESS: jsonValue,
    FAILURE: fc.oneof(celeryException(anyText), anyText),
    RETRY: fc.oneof(celeryException(fc.constant('Retry')), fc.constant(null)),
    REVOKED: fc.oneof(celeryException(fc.constant('TaskRevokedError')), fc.constant(null)),
  }[state]
  return fc.record({
    state: fc.constant(state),
    result,
    traceback: state === 'FAILURE' ? fc.option(anyText, { nil: null }) : fc.constant(null),
    dateDone: readyStates.has(state) ? fc.option(spelledTimestamp, { nil: null }) : fc.constant(null),
    retries: state === 'RETRY' ? fc.option(fc.nat(), { nil: undefined }) : fc.constant(undefined),
  })
})

/** Celery's result document, keys in any order, with `result_extended` fields or without. */
export const celeryDocumentArbitrary = (
  taskId: fc.Arbitrary<string>,
): fc.Arbitrary<CeleryDocument & { taskId: string }> =>
  fc
    .record({
      taskId,
      parts: statusParts,
      extended: fc.option(
        fc.record({ name: fc.option(anyText, { nil: null }), worker: fc.option(anyText, { nil: null }) }),
        { nil: undefined },
      ),
      withTaskId: fc.boolean(),
      order: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
    })
    .map(({ taskId: id, parts, extended, withTaskId, order }) => {
      const entries: Array<[string, unknown]> = [
        ['status', parts.state],
        ['result', parts.result],
        ['traceback', parts.traceback],
        ['children', []],
        ['date_done', parts.dateDone?.text ?? null],
        ...(withTaskId ? [['task_id', id] as [string, unknown]] : []),
        ...(parts.retries === undefined ? [] : [['retries', parts.retries] as [string, unknown]]),
        ...(extended === undefined
          ? []
          : ([
              ['name', extended.name],
              ['worker', extended.worker],
              ['args', []],
              ['kwargs', {}],
              ['queue', 'celery'],
            ] as Array<[string, unknown]>)),
      ]
      const shuffled = entries
        .map((entry, index) => ({ entry, key: order[index] ?? index }))
        .sort((a, b) => a.key - b.key)
        .map(({ entry }) => entry)
      const hostname =
        parts.state === 'STARTED' ? ((parts.result as { hostname: string }).hostname ?? null) : null
      return {
        taskId: id,
        document: Object.fromEntries(shuffled),
        expected: {
          state: parts.state,
          taskName: extended?.name ?? null,
          worker: extended?.worker ?? hostname,
          completedAt: parts.dateDone?.epochMs ?? null,
          ...(parts.state === 'SUCCESS'
            ? { value: JSON.parse(JSON.stringify(parts.result)) as JsonValue }
            : {}),
          ...(parts.state === 'FAILURE'
            ? {
                excType:
                  typeof parts.result === 'string' ? null : (parts.result as { exc_type: string }).exc_type,
              }
            : {}),
          ...(parts.state === 'RETRY' ? { retries: parts.retries ?? 0 } : {}),
        },
      }
    })

/** Something stored under a result key that is not a result document chordlab reads. */
export interface MalformedDocument {
  /** What is wrong with it, for the counterexample. */
  flaw: string
  raw: string | Buffer
}

const nonObjectJson = jsonValue.filter(
  value => typeof value !== 'object' || value === null || Array.isArray(value),
)

/** A field of a Celery document replaced by a value of the wrong type or shape. */
const wrongFields: ReadonlyArray<{
  field: string
  states: readonly TaskState[]
  values: fc.Arbitrary<unknown>
}> = [
  {
    field: 'status',
    states,
    values: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.constant('SUCCESS'), { maxLength: 1 })),
  },
  {
    field: 'name',
    states,
    values: fc.oneof(fc.integer(), fc.boolean(), fc.array(anyText, { maxLength: 2 })),
  },
  {
    field: 'worker',
    states,
    values: fc.oneof(fc.integer(), fc.dictionary(anyText, anyText, { maxKeys: 2 })),
  },
  {
    field: 'date_done',
    states,
    values: fc.oneof(
      fc.integer(),
      fc.constantFrom(
        'yesterday',
        '2026-02-30T10:00:00',
        '2026-13-01T00:00:00+00:00',
        '2026-01-01T24:00:00',
        '2026-01-01',
      ),
    ),
  },
  {
    field: 'created_at',
    states,
    values: fc.oneof(fc.integer(), fc.constantFrom('2026-02-29T00:00:00Z', 'now')),
  },
  {
    field: 'retries',
    states: ['RETRY'],
    values: fc.oneof(fc.constant(-1), fc.constant(1.5), fc.constant('3')),
  },
  {
    field: 'result',
    states: ['FAILURE', 'RETRY', 'REVOKED'],
    values: fc.oneof(fc.integer(), fc.array(anyText, { maxLength: 2 })),
  },
  {
    field: 'traceback',
    states: ['FAILURE'],
    values: fc.oneof(fc.integer(), fc.array(anyText, { maxLength: 2 })),
  },
]

/**
 * Bytes no reader should accept: not JSON (text or random bytes), JSON that is not an object, an
 * object without a known `status`, a document naming another task, or a Celery document with one
 * field of the wrong type.
 */
export const malformedDocumentArbitrary = (
  taskId: fc.Arbitrary<string>,
): fc.Arbitrary<MalformedDocument & { taskId: string }> => {
  const celery = celeryDocumentArbitrary(taskId)
  const withDocument = (flaw: string, change: (document: Record<string, unknown>) => void) =>
    celery.map(({ taskId: id, document }) => {
      const copy = { ...document }
      change(copy)
      return { taskId: id, flaw, raw: JSON.stringify(copy) }
    })
  return fc.oneof(
    fc.record({
      taskId,
      flaw: fc.constant('not JSON'),
      raw: fc.string({ maxLength: 40 }).filter(text => !parsesAsJson(text)),
    }),
    fc.record({
      taskId,
      flaw: fc.constant('random bytes'),
      raw: fc
        .uint8Array({ minLength: 1, maxLength: 40 })
        .map(bytes => Buffer.from(bytes))
        .filter(bytes => !parsesAsJson(bytes.toString('utf8'))),
    }),
    fc.record({
      taskId,
      flaw: fc.constant('JSON, not an object'),
      raw: nonObjectJson.map(value => JSON.stringify(value)),
    }),
    withDocument('no status', document => {
      delete document.status
    }),
    fc
      .tuple(
        celery,
        anyText.filter(status => !(states as readonly string[]).includes(status)),
      )
      .map(([{ taskId: id, document }, status]) => ({
        taskId: id,
        flaw: `unknown status ${JSON.stringify(status)}`,
        raw: JSON.stringify({ ...document, status }),
      })),
    fc
      .tuple(celery, taskId)
      .filter(([{ taskId: id }, other]) => id !== other)
      .map(([{ taskId: id, document }, other]) => ({
        taskId: id,
        flaw: `task_id of another task (${other})`,
        raw: JSON.stringify({ ...document, task_id: other }),
      })),
    fc
      .tuple(fc.constantFrom(...wrongFields), celery)
      .filter(([wrong, { document }]) => wrong.states.includes(document.status as TaskState))
      .chain(([wrong, { taskId: id, document }]) =>
        wrong.values.map(value => ({
          taskId: id,
          flaw: `${wrong.field} is ${JSON.stringify(value)}`,
          raw: JSON.stringify({ ...document, [wrong.field]: value }),
        })),
      ),
  )
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
