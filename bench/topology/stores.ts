import type { RedisResultBackend } from '../../src/backend/backend.ts'
import type { TaskMeta } from '../../src/backend/types.ts'
import { withTtl } from '../bench-target.ts'

/**
 * How the backend arms store a batch. `reference` is `storeResults` as it is. The other two are
 * broken on purpose, as `seed-incr` and `naive-rmw` are for the barrier, so that the read-back
 * check is seen to catch them: they report the whole batch stored, but leave out every 10th
 * result, or store a FAILURE in its place.
 */
export const storeNames = ['reference', 'drops-every-10th', 'corrupts-every-10th'] as const
export type StoreName = (typeof storeNames)[number]

/** Stores `metas` (with the bench's TTL); resolving means "all of them stored". */
export type StoreBatch = (backend: RedisResultBackend, metas: readonly TaskMeta[]) => Promise<void>

const isTenth = (index: number) => index % 10 === 9

export const stores: Record<StoreName, StoreBatch> = {
  reference: (backend, metas) => backend.storeResults(metas, withTtl),
  'drops-every-10th': (backend, metas) =>
    backend.storeResults(
      metas.filter((_, index) => !isTenth(index)),
      withTtl,
    ),
  'corrupts-every-10th': (backend, metas) =>
    backend.storeResults(
      metas.map(
        (meta, index): TaskMeta =>
          isTenth(index)
            ? { ...meta, result: { state: 'FAILURE', message: 'corrupted by the test store' } }
            : meta,
      ),
      withTtl,
    ),
}
