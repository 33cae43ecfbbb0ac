/**
 * Every Redis key the backend touches is built here, and nowhere else.
 *
 * Names follow the spec (Celery's for results): `celery-task-meta-{taskId}`, `celery-chord-{chordId}`,
 * `celery-chord-counter-{chordId}`, plus one key of chordlab's own, `celery-chord-members-{chordId}`,
 * the hash that makes the barrier idempotent. A namespace (Celery's `global_keyprefix`) goes in
 * front of every key; `withPrefix` replaces only the result prefix, as the spec's `with_prefix` does.
 */

export const defaultResultPrefix = 'celery-task-meta-'
const chordStatePrefix = 'celery-chord-'
const chordCounterPrefix = 'celery-chord-counter-'
const chordMembersPrefix = 'celery-chord-members-'

/** The keys of one chord, in the order the Lua scripts take them. */
export interface ChordKeys {
  /** JSON ChordState, as the spec stores it. */
  state: string
  /** Integer: distinct tasks counted. Spec readers keep working off this key. */
  counter: string
  /** Hash: one field per counted task id, plus the chord's total and the finishing call (see barrier). */
  members: string
}

export class KeyLayout {
  readonly namespace: string
  readonly resultPrefix: string

  constructor(namespace = '', resultPrefix = defaultResultPrefix) {
    this.namespace = normaliseNamespace(namespace)
    this.resultPrefix = resultPrefix
  }

  withResultPrefix(resultPrefix: string): KeyLayout {
    return new KeyLayout(this.namespace, resultPrefix)
  }

  result(taskId: string): string {
    return `${this.namespace}${this.resultPrefix}${taskId}`
  }

  chord(chordId: string): ChordKeys {
    return {
      state: `${this.namespace}${chordStatePrefix}${chordId}`,
      counter: `${this.namespace}${chordCounterPrefix}${chordId}`,
      members: `${this.namespace}${chordMembersPrefix}${chordId}`,
    }
  }
}

/**
 * Celery appends `_` to a `global_keyprefix` that does not already end in one of `:_-.`, so that
 * both write the same keys from the same setting.
 */
function normaliseNamespace(namespace: string): string {
  if (namespace === '' || /[:_\-.]$/.test(namespace)) return namespace
  return `${namespace}_`
}
