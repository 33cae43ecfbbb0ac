import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { RedisServer, type StartedRedisServer } from '../src/servers/index.ts'
import { openBackend } from './support/clients.ts'
import { expectBackendError } from './support/errors.ts'
import { comparable, sampleMeta, uniqueId } from './support/meta.ts'

const password = 's3cr3t-PW'

describe('a backend on a unix socket', () => {
  let server: StartedRedisServer | undefined

  beforeAll(async () => {
    server = await new RedisServer({ unixSocket: true, password }).start()
  })

  afterAll(async () => {
    await server?.stop()
  })

  function socketPath(): string {
    if (server?.unixSocketPath === undefined) throw new Error('the server has no unix socket')
    return server.unixSocketPath
  }

  function rawClient(db: number): Redis {
    const client = new Redis({ path: socketPath(), db, password, lazyConnect: true, maxRetriesPerRequest: 1 })
    onTestFinished(() => {
      client.disconnect()
    })
    return client
  }

  it('stores, reads and runs a chord over unix://<path>?password=…', async () => {
    const backend = openBackend(`unix://${socketPath()}?password=${password}`)
    expect(backend.url).not.toContain(password)
    const meta = sampleMeta()
    await backend.storeResult(meta, { ttlSeconds: 60 })
    expect(comparable(await backend.getResult(meta.taskId))).toEqual(comparable(meta))
    const chordId = uniqueId('chord')
    await backend.chordInit({ chordId, total: 2 })
    await backend.chordCompleteTask(chordId, 'a')
    expect(await backend.chordCompleteTask(chordId, 'b')).toMatchObject({ isLast: true, completed: 2 })
    expect(await rawClient(0).exists(`celery-task-meta-${meta.taskId}`)).toBe(1)
  })

  it('selects the database of redis+unix://<path>?db=2', async () => {
    const backend = openBackend(`redis+unix://${socketPath()}?db=2&password=${password}`)
    const meta = sampleMeta()
    await backend.storeResult(meta, { ttlSeconds: 60 })
    expect(await rawClient(2).exists(`celery-task-meta-${meta.taskId}`)).toBe(1)
    expect(await rawClient(0).exists(`celery-task-meta-${meta.taskId}`)).toBe(0)
    expect(await backend.getResult(meta.taskId)).not.toBeNull()
  })

  it('reports a socket path where nothing listens as a Connection error', async () => {
    const backend = openBackend(`unix://${socketPath()}.missing`)
    await expectBackendError(backend.getResult(uniqueId()), 'Connection')
  })
})
