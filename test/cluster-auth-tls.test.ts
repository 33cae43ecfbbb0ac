import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ClusterTarget, RedisResultBackend } from '../src/index.ts'
import { makeSelfSignedCertificates, RedisCluster, type StartedRedisCluster } from '../src/servers/index.ts'
import { expectBackendErrorWithin } from './support/errors.ts'
import { comparable, sampleMeta, uniqueId } from './support/meta.ts'

const password = 'cluster "secret" pw'

describe('a cluster whose nodes require a password and speak TLS only (replication and bus included)', () => {
  let certDir: string | undefined
  let cluster: StartedRedisCluster | undefined
  let ca: Buffer

  beforeAll(async () => {
    certDir = await mkdtemp(join(tmpdir(), 'chordlab-cluster-tls-'))
    const certificates = await makeSelfSignedCertificates(certDir)
    ca = await readFile(certificates.caFile)
    cluster = await new RedisCluster({
      primaries: 3,
      replicasPerPrimary: 1,
      password,
      tls: certificates,
    }).start()
  }, 60_000)

  afterAll(async () => {
    await cluster?.stop()
    if (certDir !== undefined) await rm(certDir, { recursive: true, force: true })
  })

  function target(credentials: Omit<ClusterTarget, 'cluster'>): ClusterTarget {
    if (cluster === undefined) throw new Error('the cluster did not start')
    return { cluster: cluster.addresses(), ...credentials }
  }

  it('runs batches and a chord with the password and the CA', async () => {
    await using backend = new RedisResultBackend(target({ password, tls: true }), {
      tls: { ca },
      waitReplicas: 1,
    })
    const stored = Array.from({ length: 100 }, () => sampleMeta())
    await backend.storeResults(stored)
    expect((await backend.getResults(stored.map(meta => meta.taskId))).map(comparable)).toEqual(
      stored.map(comparable),
    )
    const chordId = uniqueId('chord')
    await backend.chordInit({ chordId, total: 2 })
    await backend.chordCompleteTask(chordId, 'a')
    expect(await backend.chordCompleteTask(chordId, 'b')).toMatchObject({ isLast: true, completed: 2 })
  })

  it('refuses a wrong password (WRONGPASS) without showing it, and plain TCP', async () => {
    const wrong = 'not the cluster password'
    await using refused = new RedisResultBackend(target({ password: wrong, tls: true }), {
      tls: { ca },
      maxRetriesPerRequest: 0,
    })
    // The cluster client gives up on every node; why is the last node's error.
    const error = await expectBackendErrorWithin(refused.getResult(uniqueId()), 'Connection', 10_000)
    expect(error.message).toMatch(/None of startup nodes is available \(last node error: WRONGPASS/)
    for (const text of [error.message, String(error.stack), inspect(error, { depth: 5 })]) {
      expect(text).not.toContain(wrong)
      expect(text).not.toContain(password)
    }
    await using plain = new RedisResultBackend(target({ password }), { maxRetriesPerRequest: 0 })
    await expectBackendErrorWithin(plain.getResult(uniqueId()), 'Connection', 10_000)
  })
})
