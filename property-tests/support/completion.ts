import { toBackendError } from '../../src/backend/errors.ts'
import type { ChordProgress } from '../../src/backend/types.ts'
import type { CompletionRecord } from '../../src/history/chord-check.ts'

/**
 * One completion call as the history checker wants it. `start` and `end` read the run's clock
 * (a logical one for scheduled runs, the shared monotonic clock across worker processes); `end`
 * also gets what the caller saw, so a trace can print it at that instant.
 */
export async function recordCompletion(
  taskId: string,
  clock: { start(): number; end(seen: ChordProgress | Error): number },
  call: () => Promise<ChordProgress>,
): Promise<CompletionRecord> {
  const startedAt = clock.start()
  try {
    const progress = await call()
    const endedAt = clock.end(progress)
    return {
      taskId,
      startedAt,
      endedAt,
      outcome: 'ok',
      completed: progress.completed,
      isLast: progress.isLast,
    }
  } catch (caught) {
    const error = toBackendError(caught, 'chordCompleteTask')
    const endedAt = clock.end(error)
    // A lost connection leaves open whether Redis applied the call; any other error means it did not.
    return { taskId, startedAt, endedAt, outcome: error.kind === 'Connection' ? 'unknown' : 'fail' }
  }
}

/** `-> 2/3 counted, isLast` / `-> error NotFound: …`: what one caller saw. */
export function describeSeen(seen: ChordProgress | Error): string {
  if (seen instanceof Error) return `-> error ${seen.message}`
  const flags = [seen.counted ? 'counted' : 'not counted', ...(seen.isLast ? ['isLast'] : [])]
  return `-> ${seen.completed}/${seen.total} ${flags.join(', ')}`
}
