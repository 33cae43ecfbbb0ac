import { describe, expect, it } from 'vitest'
import { RedisResultBackend, type RedisTarget } from '../src/index.ts'
import { expectBackendErrorSync } from './support/errors.ts'

const node = { host: '127.0.0.1', port: 7000 }

describe('cluster and Sentinel targets', () => {
  it('describes the target without its passwords', async () => {
    const cluster = new RedisResultBackend({
      cluster: [node, { host: '::1', port: 7001 }],
      password: 's3cret',
    })
    expect(cluster.url).toBe('cluster 127.0.0.1:7000,[::1]:7001')
    const sentinel = new RedisResultBackend({
      sentinels: [node],
      name: 'mymaster',
      password: 's3cret',
      sentinelPassword: 'other',
    })
    expect(sentinel.url).toBe('sentinel mymaster@127.0.0.1:7000')
    await Promise.all([cluster.close(), sentinel.close()])
  })

  it.each<[string, unknown]>([
    ['an empty node list', { cluster: [] }],
    ['a node without a port', { cluster: [{ host: '127.0.0.1' }] }],
    ['a port out of range', { cluster: [{ host: '127.0.0.1', port: 70_000 }] }],
    ['an empty host', { cluster: [{ host: ' ', port: 1 }] }],
    ['both forms at once', { cluster: [node], sentinels: [node], name: 'm' }],
    ['neither form', { nodes: [node] }],
    ['a Sentinel target without a name', { sentinels: [node] }],
    ['a name with a space', { sentinels: [node], name: 'my master' }],
    ['a negative db', { sentinels: [node], name: 'm', db: -1 }],
    ['a password that is not a string', { cluster: [node], password: 42 }],
    ['tls that is not a boolean', { cluster: [node], tls: 'yes' }],
    ['an array', [node]],
    ['null', null],
  ])('refuses %s with InvalidInput', (_case, target) => {
    const error = expectBackendErrorSync(() => new RedisResultBackend(target as RedisTarget), 'InvalidInput')
    expect(error.message).toMatch(/^InvalidInput: invalid (target|Redis URL)/)
    expect(error.message).not.toContain('42')
  })
})

describe('waitReplicas options', () => {
  it.each<[string, object]>([
    ['a negative count', { waitReplicas: -1 }],
    ['a fractional count', { waitReplicas: 1.5 }],
    ['a zero timeout', { waitReplicas: 1, waitTimeoutMs: 0 }],
    ['a timeout not below commandTimeoutMs', { waitReplicas: 1, waitTimeoutMs: 5_000 }],
    [
      'a timeout above a shorter commandTimeoutMs',
      { waitReplicas: 1, waitTimeoutMs: 800, commandTimeoutMs: 500 },
    ],
  ])('refuses %s with InvalidInput', (_case, options) => {
    expectBackendErrorSync(() => new RedisResultBackend('redis://127.0.0.1:1', options), 'InvalidInput')
  })

  it('accepts a timeout below commandTimeoutMs, and any timeout when commands never time out', async () => {
    const opened: RedisResultBackend[] = []
    const open = (options: object) => () =>
      opened.push(new RedisResultBackend('redis://127.0.0.1:1', options))
    expect(open({ waitReplicas: 2, waitTimeoutMs: 4_999 })).not.toThrow()
    expect(open({ waitReplicas: 1, waitTimeoutMs: 60_000, commandTimeoutMs: 0 })).not.toThrow()
    expect(open({ waitReplicas: 0, waitTimeoutMs: 60_000 })).not.toThrow()
    await Promise.all(opened.map(backend => backend.close()))
  })
})
