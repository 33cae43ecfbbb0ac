import type { ChordSpec } from './adapter.ts'

let sequence = 0

/**
 * A chord of `tasks` header tasks (`task-0` …) under an id no other pass of this process uses,
 * so no pass sees another's keys.
 */
export function freshChord(kind: string, tasks: number): ChordSpec {
  sequence += 1
  return {
    chordId: `peers-${process.pid}-${kind}-${sequence}`,
    taskIds: Array.from({ length: tasks }, (_, index) => `task-${index}`),
  }
}
