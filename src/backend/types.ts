import type { JsonValue } from './json.ts'

/**
 * What a task is doing or how it ended, as a union on `state` (Celery's status names).
 * PENDING is also what a missing result means to Celery; chordlab returns `null` for a missing
 * result instead, so that "never stored" and "stored as PENDING" stay distinguishable.
 */
export type TaskResult =
  | { state: 'PENDING' }
  | { state: 'STARTED' }
  | { state: 'SUCCESS'; value: JsonValue }
  | {
      state: 'FAILURE'
      message: string
      /** Exception class name, Celery's `exc_type` (e.g. `ValueError`), when known. */
      excType?: string
      /** Module of the exception class, Celery's `exc_module` (e.g. `builtins`), when known. */
      excModule?: string
      traceback?: string
    }
  | { state: 'RETRY'; retries: number; message?: string }
  | { state: 'REVOKED'; reason?: string }

export type TaskState = TaskResult['state']

/** Everything stored about one task under `celery-task-meta-{taskId}`. */
export interface TaskMeta {
  taskId: string
  /** Celery stores the name only with `result_extended`; a document without it reads back as null. */
  taskName: string | null
  result: TaskResult
  /** Celery does not record creation time; its documents read back with null here. */
  createdAt: Date | null
  startedAt: Date | null
  completedAt: Date | null
  worker: string | null
}

export interface StoreOptions {
  /**
   * Expire the result after this many seconds, set in the same command as the value.
   * @default the backend's `resultTtlSeconds`
   */
  ttlSeconds?: number
}

/** A chord: `total` header tasks whose completions release one callback. */
export interface ChordState {
  chordId: string
  total: number
  /** Distinct header tasks counted so far, read from the chord's counter key. */
  completed: number
  /** Name of the callback task, when the chord has one. */
  callback: string | null
  /** Header task ids, when the creator listed them (informational: completions are not checked against it). */
  taskIds: string[]
  createdAt: Date
}

/** What `chordInit` needs; `completed` always starts at 0 and `createdAt` defaults to now. */
export interface ChordInit {
  chordId: string
  total: number
  callback?: string | null
  taskIds?: string[]
  createdAt?: Date
}

/** The answer to one `chordCompleteTask` call. */
export interface ChordProgress {
  /** Distinct tasks counted, never more than `total`. */
  completed: number
  total: number
  /** True for exactly one call per chord: the one that counted its last task. */
  isLast: boolean
  /** False when this task id was already counted (a duplicate delivery), or arrived after the chord was full. */
  counted: boolean
}
