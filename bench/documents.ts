import type { TaskMeta } from '../src/index.ts'
import { type BenchTarget, withTtl } from './bench-target.ts'

/**
 * The result documents the suites store. `small` is a typical SUCCESS result (a few hundred bytes
 * encoded); `kilobyte` carries a value padded so the whole document is about 1 KB, the spec's
 * "average task metadata" in its memory example.
 */
export function smallResult(taskId: string): TaskMeta {
  return {
    taskId,
    taskName: 'tasks.add',
    result: { state: 'SUCCESS', value: { sum: 4, parts: [1, 3] } },
    createdAt: new Date('2026-08-08T14:15:18.001Z'),
    startedAt: new Date('2026-08-08T14:15:19.250Z'),
    completedAt: new Date('2026-08-08T14:15:20.123Z'),
    worker: 'celery@worker-1',
  }
}

export function kilobyteResult(taskId: string): TaskMeta {
  const meta = smallResult(taskId)
  return { ...meta, result: { state: 'SUCCESS', value: { rows: 'x'.repeat(640), parts: [1, 3] } } }
}

/** The same document under another task id: cheaper than building a new one inside a timed call. */
export function withTaskId(meta: TaskMeta, taskId: string): TaskMeta {
  return { ...meta, taskId }
}

/** A small result's document exactly as the backend encodes it, read back raw: controls store the same bytes. */
export async function encodedDocument(target: BenchTarget): Promise<string> {
  const taskId = target.freshId('document')
  await target.backend.storeResult(smallResult(taskId), withTtl)
  const document = await target.setup.get(target.backend.keys.result(taskId))
  if (document === null) throw new Error('the result the bench just stored is not in Redis')
  return document
}
