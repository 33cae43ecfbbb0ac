import { expect, it } from 'vitest'
import { type BackendError, barrierNames } from '../src/index.ts'
import { openBackend, openRawClient } from '../test/support/clients.ts'
import { expectBackendError } from '../test/support/errors.ts'
import { uniqueId, uniqueNamespace } from '../test/support/meta.ts'
import { pollUntil } from '../test/support/wait.ts'
import { startCeleryChord } from './support/celery-scripts.ts'
import { useInteropEnvironment } from './support/environment.ts'
import { describeWithCelery } from './support/python.ts'

// Item 4: a live Celery chord meets chordlab's barrier. Celery counts a chord in its own keys
// (celery-taskset-meta-<group id>.s / .j / .t) and only Celery's worker can fire its body, whose
// signature travels in the header tasks' messages, never in Redis. chordlab therefore refuses,
// with a Serialization error that names Celery's keys, to count into or beside such a chord; it
// never answers with a count, and never with a bare NotFound while Celery's keys exist.

const db = 3

function expectNamesCeleryKeys(error: BackendError, keys: readonly string[]): void {
  expect(error.message).toContain('is a Celery chord')
  for (const key of keys) expect(error.message).toContain(key)
}

describeWithCelery("chordlab's barrier meets a Celery chord", () => {
  const env = useInteropEnvironment([{ name: 'chords', extended: false, db }])
  const url = () => env.redisUrl(db)

  it('refuses to count into a live Celery chord, and Celery still fires the body exactly once', async () => {
    const runsKey = uniqueId('interop:body-runs')
    const releaseKey = uniqueId('interop:release')
    const chord = await startCeleryChord({
      redisUrl: url(),
      queue: env.worker('chords').queue,
      releaseKey,
      runsKey,
    })
    const raw = openRawClient(url())
    const backend = openBackend(url())
    const celeryKeys = backend.keys.celeryChord(chord.groupId)
    expect([celeryKeys.size, celeryKeys.joined]).toEqual([chord.sizeKey, chord.joinKey])
    expect(chord.joined).toBe(2)

    // 1. Completing a header task (finished or still running) and creating the chord are refused.
    for (const taskId of chord.headerIds) {
      const error = await expectBackendError(
        backend.chordCompleteTask(chord.groupId, taskId),
        'Serialization',
      )
      expectNamesCeleryKeys(error, [chord.sizeKey, chord.joinKey])
    }
    const initError = await expectBackendError(
      backend.chordInit({ chordId: chord.groupId, total: 3 }),
      'Serialization',
    )
    expectNamesCeleryKeys(initError, [chord.sizeKey, chord.joinKey])

    // 2. Neither Celery's barrier nor chordlab's keys changed.
    expect(await raw.zcard(chord.joinKey)).toBe(2)
    expect(await raw.get(chord.sizeKey)).toBe('3')
    const ownKeys = backend.keys.chord(chord.groupId)
    expect(await raw.exists(ownKeys.state, ownKeys.counter, ownKeys.members)).toBe(0)
    // differs: Celery's chord keys expire result_expires after the last part returned (86 400 s by
    // default); chordlab's expire chordTtlSeconds after chordInit.
    expect(await raw.ttl(chord.joinKey)).toBeGreaterThan(86_400 - 60)

    // 3. Celery completes its own chord: the body runs once, with 1 + 2 + 3.
    await raw.set(releaseKey, '1')
    const fired = await pollUntil(
      async () => (await backend.getResult(chord.bodyId))?.result.state === 'SUCCESS',
      { timeoutMs: 20_000 },
    )
    expect(fired, env.worker('chords').logTail()).toBe(true)
    expect((await backend.getResult(chord.bodyId))?.result).toEqual({ state: 'SUCCESS', value: 6 })
    expect(await raw.get(runsKey)).toBe('1')

    // 4. Celery deleted its barrier keys when it fired: nothing of the chord is left to name.
    expect(await raw.exists(chord.sizeKey, chord.joinKey)).toBe(0)
    const afterwards = await expectBackendError(
      backend.chordCompleteTask(chord.groupId, chord.headerIds[0] ?? 'x'),
      'NotFound',
    )
    expect(afterwards.message).not.toContain('Celery')
  })

  it.each(barrierNames)('the refusal does not depend on the barrier (%s)', async barrier => {
    // Celery's keys as its worker leaves them mid-chord: the size, and one joined result.
    const groupId = uniqueId('celery-group')
    const raw = openRawClient(url())
    const backend = openBackend(url(), { barrier })
    const celeryKeys = backend.keys.celeryChord(groupId)
    await raw.set(celeryKeys.size, '2', 'EX', 60)
    await raw.zadd(celeryKeys.joined, 0, JSON.stringify([1, 'header-1', 'SUCCESS', 1]))
    await raw.expire(celeryKeys.joined, 60)
    const error = await expectBackendError(backend.chordCompleteTask(groupId, 'header-2'), 'Serialization')
    expectNamesCeleryKeys(error, [celeryKeys.size, celeryKeys.joined])
    expect(await raw.zcard(celeryKeys.joined)).toBe(1)
  })

  it("looks for Celery's keys under the backend's namespace, as Celery 5.3+'s global_keyprefix puts them", async () => {
    const namespace = uniqueNamespace()
    const groupId = uniqueId('celery-group')
    const raw = openRawClient(url())
    const namespaced = openBackend(url(), { namespace })
    await raw.set(namespaced.keys.celeryChord(groupId).added, '1', 'EX', 60)
    expect(namespaced.keys.celeryChord(groupId).added).toBe(`${namespace}celery-taskset-meta-${groupId}.t`)
    await expectBackendError(namespaced.chordInit({ chordId: groupId, total: 1 }), 'Serialization')
    // Another namespace is another Celery app: nothing of it is in the way.
    const other = openBackend(url(), { namespace: uniqueNamespace() })
    expect(await other.chordInit({ chordId: groupId, total: 1 })).toBe(true)
  })
})
