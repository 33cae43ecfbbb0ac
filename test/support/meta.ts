import { randomUUID } from 'node:crypto'
import type { TaskMeta } from '../../src/index.ts'

/** An id no other test (or other test run on a shared REDIS_URL server) uses. */
export function uniqueId(prefix = 'task'): string {
  return `${prefix}-${randomUUID()}`
}

/**
 * A namespace of its own for one test, so a shared server (REDIS_URL) never mixes keys between
 * tests or runs. Ends in `:`, so Celery's `_` rule leaves it as it is.
 */
export function uniqueNamespace(): string {
  return `chordlab-test-${randomUUID().slice(0, 13)}:`
}

/** A complete, valid SUCCESS result; `overrides` replaces whole fields. */
export function sampleMeta(overrides: Partial<TaskMeta> = {}): TaskMeta {
  return {
    taskId: uniqueId(),
    taskName: 'tasks.add',
    result: { state: 'SUCCESS', value: { sum: 4, parts: [1, 3], note: 'ok' } },
    createdAt: new Date('2026-08-08T14:15:18.001Z'),
    startedAt: new Date('2026-08-08T14:15:19.250Z'),
    completedAt: new Date('2026-08-08T14:15:20.123Z'),
    worker: 'celery@worker-1',
    ...overrides,
  }
}

/** A TaskMeta with its Dates replaced by their epoch milliseconds, so `toEqual` compares instants. */
export function comparable(meta: TaskMeta | null): unknown {
  if (meta === null) return null
  const time = (date: Date | null) => (date === null ? null : date.getTime())
  return {
    ...meta,
    createdAt: time(meta.createdAt),
    startedAt: time(meta.startedAt),
    completedAt: time(meta.completedAt),
  }
}
