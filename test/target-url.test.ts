import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parseTopologyUrl } from '../src/backend/target-url.ts'
import { RedisResultBackend, redactUrl } from '../src/index.ts'
import { expectBackendErrorSync } from './support/errors.ts'

describe('cluster and Sentinel targets spelled as URLs', () => {
  it.each<[string, unknown]>([
    [
      'redis+cluster://127.0.0.1:7000,127.0.0.1:7001',
      {
        cluster: [
          { host: '127.0.0.1', port: 7000 },
          { host: '127.0.0.1', port: 7001 },
        ],
      },
    ],
    ['redis+cluster://node-a', { cluster: [{ host: 'node-a', port: 6379 }] }],
    ['redis+cluster://[::1]:7000/', { cluster: [{ host: '::1', port: 7000 }] }],
    [
      'rediss+cluster://app:p%40ss,w:rd@10.0.0.1:7000',
      { cluster: [{ host: '10.0.0.1', port: 7000 }], username: 'app', password: 'p@ss,w:rd', tls: true },
    ],
    ['REDIS+CLUSTER://:only-password@h:1', { cluster: [{ host: 'h', port: 1 }], password: 'only-password' }],
    [
      'redis+sentinel://127.0.0.1:26379,127.0.0.1:26380/mymaster',
      {
        sentinels: [
          { host: '127.0.0.1', port: 26379 },
          { host: '127.0.0.1', port: 26380 },
        ],
        name: 'mymaster',
      },
    ],
    ['redis+sentinel://s1/main/3', { sentinels: [{ host: 's1', port: 26379 }], name: 'main', db: 3 }],
    [
      'redis+sentinel://:data-pw@s1:5000/main?sentinelPassword=sentinel-pw',
      {
        sentinels: [{ host: 's1', port: 5000 }],
        name: 'main',
        password: 'data-pw',
        sentinelPassword: 'sentinel-pw',
      },
    ],
  ])('reads %s', (url, expected) => {
    expect(parseTopologyUrl(url)).toEqual(expected)
  })

  it('leaves every other scheme to the single-server parser', () => {
    for (const url of ['redis://h:1', 'rediss://h', 'unix:///tmp/r.sock', 'redis+unix:///tmp/r.sock']) {
      expect(parseTopologyUrl(url)).toBeUndefined()
    }
  })

  it.each<[string, RegExp]>([
    ['redis+cluster://', /names no host/],
    ['redis+cluster://h:1,,h:2', /"" is not host:port/],
    ['redis+cluster://h:99999', /out of range/],
    ['redis+cluster://h:1/2', /takes no path/],
    ['redis+cluster://h:1?db=2', /query parameters/],
    ['redis+sentinel://h:1', /\/name or \/name\/db/],
    ['redis+sentinel://h:1/main/x', /database "x"/],
    ['redis+sentinel://h:1/main/1/extra', /\/name or \/name\/db/],
    ['redis+sentinel://h:1/main?password=x', /unknown query parameter "password"/],
    ['redis+cluster://u:%zz@h:1', /malformed percent-escape/],
    ['redis+cluster://[::1:7000', /is not host:port/],
  ])('refuses %s with InvalidInput, naming why', (url, reason) => {
    const error = expectBackendErrorSync(() => new RedisResultBackend(url), 'InvalidInput')
    expect(error.message).toMatch(reason)
  })

  it('never shows a password: not in the backend description, nor in an error', async () => {
    const url = 'redis+sentinel://user:data-secret@s1:5000,s2/main?sentinelPassword=sentinel-secret'
    expect(redactUrl(url)).toBe('redis+sentinel://user:***@s1:5000,s2/main?sentinelPassword=***')
    await using backend = new RedisResultBackend(url)
    expect(backend.url).toBe('sentinel main@s1:5000,s2:26379')

    const broken = 'redis+cluster://user:cluster-secret@h:1/oops'
    const error = expectBackendErrorSync(() => new RedisResultBackend(broken), 'InvalidInput')
    for (const text of [error.message, String(error.stack), inspect(error, { depth: 5 })]) {
      expect(text).not.toContain('cluster-secret')
    }
  })

  it('names the topology schemes when a scheme is unknown', () => {
    const error = expectBackendErrorSync(() => new RedisResultBackend('http://h:1'), 'InvalidInput')
    expect(error.message).toMatch(/redis\+cluster:, redis\+sentinel:/)
  })
})
