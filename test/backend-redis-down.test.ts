import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { BackendError, type RedisResultBackend } from '../src/index.ts'
import { RedisServer } from '../src/servers/index.ts'
import { openBackend, unusedPort } from './support/clients.ts'
import { expectBackendErrorWithin } from './support/errors.ts'
import { sampleMeta, uniqueId, uniqueNamespace } from './support/meta.ts'
import { pollUntil, settleWithin } from './support/wait.ts'

const password = 's3cr3t-PW'
/** Generous for a refused connection with 2 retries at most 1 s apart, far below a hang. */
const boundMs = 5_000

function expectConnectionErrorQuickly(operation: Promise<unknown>): Promise<BackendError> {
  return expectBackendErrorWithin(operation, 'Connection', boundMs)
}

/** Every backend operation, each run on the backend `backendFor` gives it. */
function everyOperation(backendFor: () => RedisResultBackend): Array<[string, () => Promise<unknown>]> {
  const meta = sampleMeta()
  const chordId = uniqueId('chord')
  return [
    ['storeResult', () => backendFor().storeResult(meta)],
    ['getResult', () => backendFor().getResult(meta.taskId)],
    ['getResults', () => backendFor().getResults([meta.taskId, 'other'])],
    ['storeResults', () => backendFor().storeResults([meta])],
    ['deleteResult', () => backendFor().deleteResult(meta.taskId)],
    ['setExpiration', () => backendFor().setExpiration(meta.taskId, 10)],
    ['chordInit', () => backendFor().chordInit({ chordId, total: 2 })],
    ['chordCompleteTask', () => backendFor().chordCompleteTask(chordId, 'a')],
    ['chordGetState', () => backendFor().chordGetState(chordId)],
    ['chordDelete', () => backendFor().chordDelete(chordId)],
  ]
}

describe('a Redis that cannot be reached', () => {
  it('fails every operation with a Connection error within a bounded time', async () => {
    const url = `redis://127.0.0.1:${await unusedPort()}`
    // One backend per operation, all at once: each is a caller meeting the dead server afresh.
    const operations = everyOperation(() => openBackend(url))
    await Promise.all(
      operations.map(async ([name, operation]) => {
        const error = await expectConnectionErrorQuickly(operation())
        expect(error.message, name).toContain(`${name} on ${url}`)
      }),
    )
  })

  it('keeps failing quickly on one backend while the server stays away', async () => {
    const backend = openBackend(`redis://127.0.0.1:${await unusedPort()}`)
    for (const [, operation] of everyOperation(() => backend).slice(0, 2)) {
      await expectConnectionErrorQuickly(operation())
    }
  })

  it('keeps the password out of the error', async () => {
    const port = await unusedPort()
    const backend = openBackend(`redis://:${password}@127.0.0.1:${port}`)
    const error = await expectConnectionErrorQuickly(backend.getResult(uniqueId()))
    expect(error.message).toContain(`redis://:***@127.0.0.1:${port}`)
    expect(error.message).not.toContain(password)
    expect(inspect(error, { depth: 5 })).not.toContain(password)
    expect(String(error.stack)).not.toContain(password)
  })

  it('keeps the user and password of an ACL URL out of the error', async () => {
    const backend = openBackend(`redis://alice:${password}@127.0.0.1:${await unusedPort()}`)
    const error = await expectConnectionErrorQuickly(backend.chordCompleteTask(uniqueId('chord'), 'a'))
    expect(inspect(error, { depth: 5 })).not.toContain(password)
  })
})

describe('a Redis that goes away mid-test', () => {
  it('a stopped server makes the next operation a Connection error, not a hang', async () => {
    const server = await new RedisServer().start()
    try {
      const backend = openBackend(server.url(), { namespace: uniqueNamespace() })
      const meta = sampleMeta()
      await backend.storeResult(meta)
      expect(await backend.getResult(meta.taskId)).not.toBeNull()
      await server.stop()
      await Promise.all([
        expectConnectionErrorQuickly(backend.getResult(meta.taskId)),
        expectConnectionErrorQuickly(backend.storeResult(sampleMeta())),
        expectConnectionErrorQuickly(backend.chordCompleteTask(uniqueId('chord'), 'a')),
      ])
    } finally {
      await server.stop()
    }
  })

  it('a stopped server with a password gives an error without the password', async () => {
    const server = await new RedisServer({ password }).start()
    try {
      const backend = openBackend(`redis://:${password}@127.0.0.1:${server.port}`, {
        namespace: uniqueNamespace(),
      })
      const meta = sampleMeta()
      await backend.storeResult(meta)
      expect(backend.url).not.toContain(password)
      await server.stop()
      const error = await expectConnectionErrorQuickly(backend.getResult(meta.taskId))
      expect(error.message).not.toContain(password)
      expect(inspect(error, { depth: 5 })).not.toContain(password)
    } finally {
      await server.stop()
    }
  })

  it('a killed server fails the operations in flight and the next ones, and the backend recovers after a restart', async () => {
    const server = await new RedisServer().start()
    try {
      const backend = openBackend(server.url(), { namespace: uniqueNamespace() })
      const chordId = uniqueId('chord')
      await backend.chordInit({ chordId, total: 100 })
      const inFlight = Array.from({ length: 20 }, (_, index) =>
        backend.chordCompleteTask(chordId, `t${index}`),
      )
      await server.kill()
      const outcomes = await Promise.all(inFlight.map(operation => settleWithin(operation, boundMs)))
      for (const outcome of outcomes) {
        expect(outcome.settled).toBe(true)
        if (outcome.settled && outcome.status === 'rejected') {
          expect(outcome.error).toBeInstanceOf(BackendError)
          expect((outcome.error as BackendError).kind).toBe('Connection')
        }
      }
      await expectConnectionErrorQuickly(backend.chordGetState(chordId))

      await server.restart()
      const meta = sampleMeta()
      const recovered = await pollUntil(
        async () =>
          backend.storeResult(meta).then(
            () => true,
            () => false,
          ),
        { timeoutMs: 10_000, intervalMs: 100 },
      )
      expect(recovered).toBe(true)
      expect(await backend.getResult(meta.taskId)).not.toBeNull()
    } finally {
      await server.stop()
    }
  })
})
