import { expect, it, onTestFinished } from 'vitest'
import { backendDefaults, KeyLayout, RedisResultBackend, type TaskMeta } from '../src/index.ts'
import { openBackend, openRawClient } from '../test/support/clients.ts'
import { expectBackendErrorSync } from '../test/support/errors.ts'
import { sampleMeta, uniqueId } from '../test/support/meta.ts'
import { pollUntil } from '../test/support/wait.ts'
import { storeWithCelery } from './support/celery-scripts.ts'
import { useInteropEnvironment } from './support/environment.ts'
import { describeWithCelery } from './support/python.ts'

// Item 3: the keys and TTLs Celery's Redis backend uses, from the same run as chordlab's.

/**
 * What Celery's Redis result backend does with `global_keyprefix`: 5.2 has no such option; 5.3
 * added it and always put a `_` after it (celery#7620); 5.5 appends the `_` only when the prefix
 * does not already end in one of `:_-.` (celery#9080), which is chordlab's rule.
 */
function celeryKeyprefixRule(version: string): 'ignored' | 'always-underscore' | 'separator-aware' {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  if (major < 5 || (major === 5 && minor < 3)) return 'ignored'
  if (major === 5 && minor < 5) return 'always-underscore'
  return 'separator-aware'
}

describeWithCelery("Celery's and chordlab's result keys and TTLs", () => {
  const env = useInteropEnvironment()
  const url = () => env.redisUrl(0)

  /** Every command MONITOR shows that names `key`, collected until `stop()` has seen a sentinel. */
  async function commandsNaming(keys: readonly string[]) {
    const monitor = await openRawClient(url()).monitor()
    onTestFinished(() => {
      monitor.disconnect()
    })
    const sentinel = uniqueId('sentinel')
    const seen: string[][] = []
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some(arg => arg === sentinel || keys.includes(arg))) seen.push(args)
    })
    return {
      async stop(): Promise<string[][]> {
        await openRawClient(url()).get(sentinel)
        expect(await pollUntil(() => seen.some(args => args.includes(sentinel)))).toBe(true)
        return seen.filter(args => !args.includes(sentinel))
      },
    }
  }

  it("names a result's key alike, and both expire it after 86 400 s by default", async () => {
    const celeryId = uniqueId('celery')
    const chordlabMeta = sampleMeta()
    const backend = openBackend(url())
    const celeryKey = backend.keys.result(celeryId)
    const chordlabKey = backend.keys.result(chordlabMeta.taskId)
    const commands = await commandsNaming([celeryKey, chordlabKey])

    const celery = await storeWithCelery(url(), { taskId: celeryId, state: 'SUCCESS', value: 4 })
    await backend.storeResult(chordlabMeta)
    const seen = await commands.stop()

    expect(celery.key).toBe(celeryKey)
    expect(celeryKey).toBe(`celery-task-meta-${celeryId}`)
    expect(celery.resultExpiresSeconds).toBe(86_400)
    expect(celery.expires).toBe(backendDefaults.resultTtlSeconds)
    const raw = openRawClient(url())
    for (const key of [celeryKey, chordlabKey]) {
      const ttl = await raw.ttl(key)
      expect(ttl, key).toBeGreaterThan(86_400 - 60)
      expect(ttl, key).toBeLessThanOrEqual(86_400)
    }
    // differs: Celery checks for SUCCESS first, then SETEX and PUBLISH (in one MULTI); chordlab
    // writes with one SET … EX and publishes nothing unless publishResults is on.
    const shape = (args: string[]) => args.map((arg, index) => (index === 0 ? arg.toLowerCase() : arg))
    const celeryDocument = seen.find(args => args[0]?.toLowerCase() === 'setex')?.[3] ?? ''
    expect(seen.filter(args => args.includes(celeryKey)).map(shape)).toEqual([
      ['get', celeryKey],
      ['setex', celeryKey, '86400', celeryDocument],
      ['publish', celeryKey, celeryDocument],
    ])
    const chordlabCommands = seen.filter(args => args.includes(chordlabKey)).map(shape)
    expect(chordlabCommands).toEqual([['set', chordlabKey, expect.any(String), 'EX', '86400']])
  })

  it.each([
    ['60 s', 60, 60],
    ['none (no TTL)', null, -1],
  ])(
    'result_expires %s and resultTtlSeconds alike give the same TTL',
    async (_name, seconds, expectedTtl) => {
      const celeryId = uniqueId('celery')
      const chordlabMeta = sampleMeta()
      const celery = await storeWithCelery(
        url(),
        { taskId: celeryId, state: 'SUCCESS', value: 'x' },
        { result_expires: seconds },
      )
      await openBackend(url(), { resultTtlSeconds: seconds }).storeResult(chordlabMeta)
      expect(celery.expires).toBe(seconds)
      const raw = openRawClient(url())
      for (const key of [celery.key, `celery-task-meta-${chordlabMeta.taskId}`]) {
        const ttl = await raw.ttl(key)
        if (expectedTtl === -1) expect(ttl, key).toBe(-1)
        else expect(ttl, key).toBeGreaterThan(expectedTtl - 10)
        expect(ttl, key).toBeLessThanOrEqual(expectedTtl)
      }
    },
  )

  it.each(['app', 'app:', 'app_', 'app-', 'app.'])(
    'global_keyprefix %j: the key Celery names (5.5+: as chordlab does; 5.3-5.4: with an extra _; 5.2: none)',
    async prefix => {
      const taskId = uniqueId('prefixed')
      const celery = await storeWithCelery(
        url(),
        { taskId, state: 'SUCCESS', value: 1 },
        { result_backend_transport_options: { global_keyprefix: prefix } },
      )
      expect(await openRawClient(url()).exists(celery.key), 'Celery wrote the key it names').toBe(1)
      const chordlabKey = new KeyLayout(prefix).result(taskId)
      switch (celeryKeyprefixRule(celery.celeryVersion)) {
        case 'separator-aware':
          expect(celery.key).toBe(chordlabKey)
          break
        case 'always-underscore':
          expect(celery.key).toBe(`${prefix}_celery-task-meta-${taskId}`)
          expect(celery.key === chordlabKey).toBe(!/[:_\-.]$/.test(prefix))
          break
        case 'ignored':
          // Celery 5.2's Redis result backend has no global_keyprefix: the option is silently dropped.
          expect(celery.key).toBe(`celery-task-meta-${taskId}`)
          break
      }
    },
  )

  it("differs: chordlab refuses a hash-tag namespace such as '{celery}' (Celery 5.3+ accepts it)", () => {
    const error = expectBackendErrorSync(
      () => new RedisResultBackend(url(), { namespace: '{celery}' }),
      'InvalidInput',
    )
    expect(error.message).toContain('namespace')
  })

  it('differs: Celery never overwrites a SUCCESS (chordlab stored it); chordlab overwrites one', async () => {
    const backend = openBackend(url())
    const storedByChordlab: TaskMeta = sampleMeta()
    await backend.storeResult(storedByChordlab)
    await storeWithCelery(url(), {
      taskId: storedByChordlab.taskId,
      state: 'FAILURE',
      value: 'late duplicate',
    })
    expect((await backend.getResult(storedByChordlab.taskId))?.result).toEqual(storedByChordlab.result)

    const celeryId = uniqueId('celery')
    await storeWithCelery(url(), { taskId: celeryId, state: 'SUCCESS', value: 'first' })
    const failure = sampleMeta({ taskId: celeryId, result: { state: 'FAILURE', message: 'late duplicate' } })
    await backend.storeResult(failure)
    expect((await backend.getResult(celeryId))?.result).toMatchObject({
      state: 'FAILURE',
      message: 'late duplicate',
    })
  })
})
