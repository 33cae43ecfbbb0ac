import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import type { Redis } from 'ioredis'
import { RedisResultBackend } from '../src/backend/backend.ts'
import { decodeTaskMeta } from '../src/backend/codec.ts'
import { BackendError, isBackendError } from '../src/backend/errors.ts'
import type { TaskMeta } from '../src/backend/types.ts'
import type { RedisEnvironment } from '../src/report/schema.ts'
import { celeryDocumentArbitrary, malformedDocumentArbitrary } from './support/celery-document-arbitrary.ts'
import type { OpenProperty, PropertyDefinition, Variant } from './support/definition.ts'
import { openPropertyRedis, openScriptedClient, propertyNamespace } from './support/redis.ts'
import { expectedAfterRoundTrip, taskIdArbitrary, taskMetaArbitrary } from './support/task-meta-arbitrary.ts'
import { PropertyViolation } from './support/violation.ts'

/**
 * The result codec, through a real Redis: what the backend stores reads back the same, what Celery
 * writes reads back right, and what no writer should have written is a `Serialization` error.
 * Each property also runs against a deliberately broken reader or writer that it must catch.
 */

/** Documents written behind the backend's back expire on their own, should a run be interrupted. */
const rawTtlSeconds = 600

interface CodecContext {
  backend: RedisResultBackend
  raw: Redis
}

const reference = (about: string): Variant => ({ name: 'reference', expectation: 'holds', about })
const broken = (name: string, about: string): Variant => ({
  name,
  expectation: 'fails',
  about: `broken on purpose: ${about}`,
})

/** Opens a Redis, a backend and a plain connection, and builds the property for a variant from them. */
async function openCodec(
  id: string,
  build: (context: CodecContext, variant: Variant) => fc.IAsyncPropertyWithHooks<unknown>,
): Promise<OpenProperty> {
  const redis = await openPropertyRedis()
  const backend = new RedisResultBackend(redis.url, { namespace: propertyNamespace(id) })
  const raw = openScriptedClient(redis.url)
  const environment: RedisEnvironment = redis.environment
  return {
    redis: environment,
    property: variant => build({ backend, raw }, variant),
    async [Symbol.asyncDispose]() {
      raw.disconnect()
      await backend.close()
      await redis[Symbol.asyncDispose]()
    },
  }
}

/** Stores a TaskMeta the way a variant's writer does. */
type Writer = (context: CodecContext, meta: TaskMeta) => Promise<void>

const writers: Record<string, Writer> = {
  reference: ({ backend }, meta) => backend.storeResult(meta),
  // A writer using Python's isoformat(timespec='seconds'): every timestamp loses its fraction.
  'seconds-writer': async ({ backend, raw }, meta) => {
    await backend.storeResult(meta)
    const key = backend.keys.result(meta.taskId)
    const document = (await raw.get(key)) ?? ''
    await raw.set(key, document.replace(/\.\d{6}\+00:00"/g, '+00:00"'), 'KEEPTTL')
  },
}

export const codecRoundTripProperty: PropertyDefinition = {
  id: 'codec-round-trip',
  title: 'Every TaskMeta reads back as it was stored',
  guarantees:
    'any TaskMeta the backend accepts (every result state, any JSON value, text with astral characters, lone surrogates and control characters, dates at millisecond precision from year 100 to 9999) reads back from Redis equal to what was stored, up to two documented normalisations: JSON turns -0 into 0, and a FAILURE without exception type or module reads back as Exception from builtins. Years 1-99 are left out: they read back as 1901-1999 (a bug in src/backend/timestamps.ts this property found).',
  variants: [
    reference('storeResult then getResult'),
    broken(
      'seconds-writer',
      'a writer that drops the fraction of every timestamp, as isoformat(timespec="seconds") does',
    ),
  ],
  runs: { quick: 200, deep: 10_000 },
  replayable: true,
  timeoutMs: 60_000,
  open: () =>
    openCodec('codec-round-trip', (context, variant) => {
      const write = writers[variant.name]
      if (write === undefined) throw new Error(`no writer ${variant.name}`)
      return fc.asyncProperty(taskMetaArbitrary, async meta => {
        await write(context, meta)
        const stored = (await context.raw.get(context.backend.keys.result(meta.taskId))) ?? '(nothing)'
        const trace = [`stored document: ${stored}`]
        const readBack = await readOrViolate(() => context.backend.getResult(meta.taskId), trace)
        const expected = expectedAfterRoundTrip(meta)
        if (!isDeepStrictEqual(readBack, expected)) {
          throw new PropertyViolation(
            `task ${JSON.stringify(meta.taskId)} does not read back as it was stored`,
            [...trace, `expected:  ${JSON.stringify(expected)}`, `read back: ${JSON.stringify(readBack)}`],
          )
        }
      })
    }),
}

/** Reads a result the way a variant's reader does. */
type Reader = (context: CodecContext, taskId: string) => Promise<TaskMeta | null>

const readers: Record<string, Reader> = {
  reference: ({ backend }, taskId) => backend.getResult(taskId),
  // A reader written against the spec's TaskMeta, which needs created_at: Celery never writes it.
  'spec-fields-reader': async ({ backend, raw }, taskId) => {
    const document = await raw.get(backend.keys.result(taskId))
    if (document === null) return null
    if (!('created_at' in (JSON.parse(document) as object))) {
      throw new BackendError('Serialization', `result of task ${taskId} has no created_at`)
    }
    return decodeTaskMeta(document, taskId)
  },
  // A reader that parses before its guard: malformed JSON escapes as a SyntaxError.
  'unguarded-reader': async ({ backend, raw }, taskId) => {
    const document = await raw.get(backend.keys.result(taskId))
    if (document === null) return null
    JSON.parse(document)
    return decodeTaskMeta(document, taskId)
  },
}

function readerFor(variant: Variant): Reader {
  const read = readers[variant.name]
  if (read === undefined) throw new Error(`no reader ${variant.name}`)
  return read
}

export const celeryDocumentsProperty: PropertyDefinition = {
  id: 'codec-celery-documents',
  title: 'Every document shaped like Celery’s decodes',
  guarantees:
    "any result document shaped like the ones Celery writes (every status, exceptions in Celery's shape or as a bare message, with or without result_extended's name and worker, with or without task_id, keys in any order, date_done as Celery 5, Celery 4 (naive), chrono or another zone writes it, with 0-9 fraction digits) decodes, with the right state, name, worker, value, exception type, retries and date_done to the precision its text carries. It does not prove Celery reads what chordlab writes: that direction is the interop suite's.",
  variants: [
    reference('getResult on a document written straight into Redis'),
    broken(
      'spec-fields-reader',
      "a reader that requires the spec's created_at field, which Celery never writes",
    ),
  ],
  runs: { quick: 200, deep: 10_000 },
  replayable: true,
  timeoutMs: 60_000,
  open: () =>
    openCodec('codec-celery-documents', (context, variant) => {
      const read = readerFor(variant)
      return fc.asyncProperty(
        celeryDocumentArbitrary(taskIdArbitrary),
        async ({ taskId, document, expected }) => {
          const stored = JSON.stringify(document)
          await context.raw.set(context.backend.keys.result(taskId), stored, 'EX', rawTtlSeconds)
          const trace = [`stored document (task ${JSON.stringify(taskId)}): ${stored}`]
          const meta = await readOrViolate(() => read(context, taskId), trace)
          if (meta === null) throw new PropertyViolation('the stored document was not found', trace)
          const { result } = meta
          const decoded = {
            state: result.state,
            taskName: meta.taskName,
            worker: meta.worker,
            completedAt: meta.completedAt?.getTime() ?? null,
            ...(result.state === 'SUCCESS' ? { value: result.value } : {}),
            ...(result.state === 'FAILURE' ? { excType: result.excType ?? null } : {}),
            ...(result.state === 'RETRY' ? { retries: result.retries } : {}),
          }
          const fromCelery = { createdAt: meta.createdAt, startedAt: meta.startedAt }
          if (
            !isDeepStrictEqual(decoded, expected) ||
            !isDeepStrictEqual(fromCelery, { createdAt: null, startedAt: null })
          ) {
            throw new PropertyViolation('a Celery document decodes to the wrong fields', [
              ...trace,
              `expected: ${JSON.stringify({ ...expected, createdAt: null, startedAt: null })}`,
              `decoded:  ${JSON.stringify({ ...decoded, ...fromCelery })}`,
            ])
          }
        },
      )
    }),
}

export const malformedDocumentsProperty: PropertyDefinition = {
  id: 'codec-malformed-documents',
  title: 'Every malformed document is a Serialization error',
  guarantees:
    "whatever is stored under a result key that is not a result document (text or bytes that are not JSON, JSON that is not an object, no or an unknown status, another task's task_id, a Celery document with one field of the wrong type) makes getResult and getResults fail with a BackendError of kind Serialization, never another exception and never a made-up result. The malformed shapes are generated from a list of flaws: a flaw not on the list is not covered.",
  variants: [
    reference('getResult and getResults'),
    broken('unguarded-reader', 'a reader that runs JSON.parse outside its guard, so a SyntaxError escapes'),
  ],
  runs: { quick: 200, deep: 10_000 },
  replayable: true,
  timeoutMs: 60_000,
  open: () =>
    openCodec('codec-malformed-documents', (context, variant) => {
      const read = readerFor(variant)
      return fc.asyncProperty(malformedDocumentArbitrary(taskIdArbitrary), async ({ taskId, flaw, raw }) => {
        await context.raw.set(context.backend.keys.result(taskId), raw, 'EX', rawTtlSeconds)
        const shown = typeof raw === 'string' ? JSON.stringify(raw) : `bytes ${raw.toString('hex')}`
        const trace = [`flaw: ${flaw}`, `stored under task ${JSON.stringify(taskId)}: ${shown}`]
        for (const [operation, attempt] of [
          ['getResult', () => read(context, taskId)],
          ['getResults', () => context.backend.getResults([taskId])],
        ] as const) {
          const outcome = await attempt().then(
            value => ({ value }),
            (error: unknown) => ({ error }),
          )
          if ('value' in outcome) {
            throw new PropertyViolation(`${operation} accepted it: ${JSON.stringify(outcome.value)}`, trace)
          }
          if (isBackendError(outcome.error, 'Connection')) throw outcome.error
          if (!isBackendError(outcome.error, 'Serialization')) {
            throw new PropertyViolation(
              `${operation} failed with ${describeError(outcome.error)}, not a Serialization BackendError`,
              trace,
            )
          }
        }
      })
    }),
}

/**
 * The read's result, or a PropertyViolation naming the error when a read that must succeed fails.
 * A lost connection is the harness's problem, not the codec's, and stays an ordinary error.
 */
async function readOrViolate<T>(read: () => Promise<T>, trace: readonly string[]): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (isBackendError(error, 'Connection')) throw error
    throw new PropertyViolation(`reading it back failed: ${describeError(error)}`, trace)
  }
}

function describeError(error: unknown): string {
  if (isBackendError(error)) return `BackendError ${error.kind}: ${error.message}`
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
