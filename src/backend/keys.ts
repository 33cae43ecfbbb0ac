/**
 * Every Redis key the backend touches is built here, and nowhere else.
 *
 * Names follow the spec (Celery's for results): `celery-task-meta-{taskId}`, `celery-chord-{chordId}`,
 * `celery-chord-counter-{chordId}`, plus one key of chordlab's own, `celery-chord-members-{chordId}`,
 * the hash that makes the barrier idempotent. A namespace (Celery's `global_keyprefix`) goes in
 * front of every key; `withPrefix` replaces only the result prefix, as the spec's `with_prefix` does.
 *
 * Celery's own chord barrier lives under `celery-taskset-meta-{groupId}` with the suffixes `.s`,
 * `.j` and `.t`. chordlab never writes those keys; it only looks for them, to refuse to run its
 * barrier on a chord id that Celery's barrier is counting.
 *
 * On a Redis Cluster (and only there) the chord id in each chord key is wrapped in braces, a hash
 * tag: `celery-chord-{abc}`, `celery-chord-counter-{abc}`, `celery-chord-members-{abc}`. Redis then
 * hashes only `abc`, so a chord's keys share one slot and the barrier's script, which touches
 * several of them, runs on one node. Result keys stay untagged, so results spread over the
 * cluster; Celery's keys keep Celery's names. Ids never contain braces (validate.ts refuses
 * them), so no other key carries a tag by accident.
 */

export const defaultResultPrefix = 'celery-task-meta-'
const chordStatePrefix = 'celery-chord-'
const chordCounterPrefix = 'celery-chord-counter-'
const chordMembersPrefix = 'celery-chord-members-'
const celeryGroupPrefix = 'celery-taskset-meta-'

/** The keys of one chord, in the order the Lua scripts take them. */
export interface ChordKeys {
  /** JSON ChordState, as the spec stores it. */
  state: string
  /** Integer: distinct tasks counted. Spec readers keep working off this key. */
  counter: string
  /** Hash: one field per counted task id, plus the chord's total and the finishing call (see barrier). */
  members: string
}

/** The keys of Celery's own chord barrier (Celery's Redis backend, `on_chord_part_return`). */
export interface CeleryChordKeys {
  /** Integer: the chord size, written while the header is sent (`set_chord_size`). */
  size: string
  /** Sorted set (a list with `result_chord_ordered: False`): one member per finished header task. */
  joined: string
  /** Integer: tasks added to the chord at run time (`Task.add_to_chord`). */
  added: string
}

export class KeyLayout {
  readonly namespace: string
  readonly resultPrefix: string
  /** True on a Redis Cluster: chord ids in chord keys are hash tags. */
  readonly hashTagChords: boolean

  constructor(namespace = '', resultPrefix = defaultResultPrefix, hashTagChords = false) {
    this.namespace = normaliseNamespace(namespace)
    this.resultPrefix = resultPrefix
    this.hashTagChords = hashTagChords
  }

  withResultPrefix(resultPrefix: string): KeyLayout {
    return new KeyLayout(this.namespace, resultPrefix, this.hashTagChords)
  }

  result(taskId: string): string {
    return `${this.namespace}${this.resultPrefix}${taskId}`
  }

  chord(chordId: string): ChordKeys {
    const id = this.hashTagChords ? `{${chordId}}` : chordId
    return {
      state: `${this.namespace}${chordStatePrefix}${id}`,
      counter: `${this.namespace}${chordCounterPrefix}${id}`,
      members: `${this.namespace}${chordMembersPrefix}${id}`,
    }
  }

  /** Where Celery keeps the barrier of the chord whose header group has id `groupId`. */
  celeryChord(groupId: string): CeleryChordKeys {
    const group = `${this.namespace}${celeryGroupPrefix}${groupId}`
    return { size: `${group}.s`, joined: `${group}.j`, added: `${group}.t` }
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
