import { describe, expect, it } from 'vitest'
import { parseRedisUrl } from '../src/backend/url.ts'
import { BackendError, RedisResultBackend, redactUrl } from '../src/index.ts'
import { expectBackendErrorSync } from './support/errors.ts'

const password = 's3cr3t-PW'

describe('parseRedisUrl accepts the spec and redis-rs URL forms', () => {
  it.each([
    ['redis://host', { host: 'host', port: 6379, db: 0 }],
    ['redis://redis.example.com', { host: 'redis.example.com', port: 6379, db: 0 }],
    ['redis://127.0.0.1:6380', { host: '127.0.0.1', port: 6380, db: 0 }],
    ['redis://host/3', { host: 'host', port: 6379, db: 3 }],
    ['redis://host:7000/15', { host: 'host', port: 7000, db: 15 }],
    ['redis://host/', { host: 'host', port: 6379, db: 0 }],
    ['redis://:pw@host', { host: 'host', port: 6379, db: 0, password: 'pw' }],
    ['redis://user:pw@host:6390/2', { host: 'host', port: 6390, db: 2, username: 'user', password: 'pw' }],
    ['redis://user@host', { host: 'host', port: 6379, db: 0, username: 'user' }],
    ['redis://:p%40ss%2Fw%3Ard@host', { host: 'host', port: 6379, db: 0, password: 'p@ss/w:rd' }],
    ['redis://[::1]', { host: '::1', port: 6379, db: 0 }],
    ['redis://[::1]:7001/4', { host: '::1', port: 7001, db: 4 }],
    ['redis://u:pw@[fe80::1]:7001', { host: 'fe80::1', port: 7001, db: 0, username: 'u', password: 'pw' }],
    ['unix:///var/run/redis.sock', { path: '/var/run/redis.sock', db: 0 }],
    ['redis+unix:///tmp/r.sock?db=2&password=x', { path: '/tmp/r.sock', db: 2, password: 'x' }],
    [
      'unix:///tmp/r.sock?user=alice&pass=pw',
      { path: '/tmp/r.sock', db: 0, username: 'alice', password: 'pw' },
    ],
    ['redis+unix:///tmp/r.sock?username=bob', { path: '/tmp/r.sock', db: 0, username: 'bob' }],
  ])('%s', (url, expected) => {
    expect(parseRedisUrl(url).options).toEqual(expected)
  })

  it('turns rediss:// into TLS options checked against the host, merged with the given TLS material', () => {
    expect(parseRedisUrl('rediss://cache.example.com:6380/1').options).toEqual({
      host: 'cache.example.com',
      port: 6380,
      db: 1,
      tls: { servername: 'cache.example.com' },
    })
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    expect(
      parseRedisUrl('rediss://:pw@localhost:6390', {
        ca,
        rejectUnauthorized: true,
        servername: 'redis.internal',
      }).options,
    ).toEqual({
      host: 'localhost',
      port: 6390,
      db: 0,
      password: 'pw',
      tls: { servername: 'redis.internal', ca, rejectUnauthorized: true },
    })
  })

  it('uses no TLS for redis:// even when TLS material is given', () => {
    expect(parseRedisUrl('redis://host', { ca: 'x' }).options).not.toHaveProperty('tls')
  })
})

describe('parseRedisUrl refuses other forms with InvalidInput', () => {
  it.each([
    ['http://host:6379'],
    ['https://host'],
    ['memcached://host'],
    [''],
    ['   '],
    ['host:6379'],
    ['redis://'],
    ['redis:///0'],
    ['redis://host:0'],
    ['redis://host:65536'],
    ['redis://host:port'],
    ['redis://host:-1'],
    ['redis://host/x'],
    ['redis://host/1.5'],
    ['redis://host/-1'],
    ['redis://host/1/2'],
    ['redis://host?db=1'],
    ['rediss://host?ssl_cert_reqs=none'],
    ['unix://'],
    ['unix:///'],
    ['unix://host/tmp/r.sock'],
    ['unix:///tmp/r.sock?db=x'],
    ['unix:///tmp/r.sock?timeout=5'],
    ['redis+unix:///tmp/r.sock?database=1'],
    ['redis://:%E0%A4%A@host'],
  ])('%j', url => {
    expectBackendErrorSync(() => parseRedisUrl(url), 'InvalidInput')
  })

  it.each([[undefined], [null], [6379], [{ host: 'h' }]])('a non-string URL (%j)', url => {
    expectBackendErrorSync(() => parseRedisUrl(url), 'InvalidInput')
  })

  it('refuses a bad URL in the backend constructor without opening a connection', () => {
    expectBackendErrorSync(() => new RedisResultBackend('http://127.0.0.1:6379'), 'InvalidInput')
  })
})

describe('a password never appears in errors or in backend.url', () => {
  const refused = [
    `redis://u:${password}/x@h`,
    `redis://u:${password}@h:99999`,
    `redis://u:${password}@h:abc`,
    `redis://:${password}@h/x`,
    `redis://:${password}@h?db=1`,
    `http://u:${password}@h`,
    `redis://u:${password}@`,
    `unix:///tmp/r.sock?password=${password}&nope=1`,
    `redis+unix:///tmp/r.sock?pass=${password}&db=x`,
    `redis://u:${password}%ZZ@h`,
    `redis://u:s3cr3t/PW@h`,
  ]
  // A generated password often holds `?` or `#`; written unescaped, the URL standard ends the
  // authority there, and redactUrl must still hide it.
  const unescapedReserved = [
    `redis://u:s3cr3t?PW@h`,
    `redis://u:s3cr3t#PW@h`,
    `redis://:s3cr3t#PW@127.0.0.1:6379`,
    `redis://:s3cr3t?PW@127.0.0.1:6379/0`,
  ]

  it.each([...refused, ...unescapedReserved])('refused URL %s', url => {
    const error = expectBackendErrorSync(() => parseRedisUrl(url), 'InvalidInput')
    expect(error.message).not.toContain('s3cr3t')
    expect(error.message).not.toContain('PW')
    expect(String(error.stack)).not.toContain('s3cr3t')
    const fromConstructor = expectBackendErrorSync(() => new RedisResultBackend(url), 'InvalidInput')
    expect(fromConstructor.message).not.toContain('s3cr3t')
  })

  it.each([
    [`redis://:${password}@127.0.0.1:6379`, 'redis://:***@127.0.0.1:6379'],
    [`redis://alice:${password}@127.0.0.1:6379/2`, 'redis://alice:***@127.0.0.1:6379/2'],
    [`rediss://alice:${password}@localhost:6380`, 'rediss://alice:***@localhost:6380'],
    [`redis://alice:s3cr3t%40PW@h`, 'redis://alice:***@h'],
    [`redis://alice:s3cr3t@PW@h`, 'redis://alice:***@h'],
    [`unix:///tmp/r.sock?db=1&password=${password}`, 'unix:///tmp/r.sock?db=1&password=***'],
    [`redis+unix:///tmp/r.sock?pass=${password}`, 'redis+unix:///tmp/r.sock?pass=***'],
  ])('backend.url of %s', async (url, shown) => {
    // lazyConnect: constructing the backend opens no socket, so no server is needed here.
    const backend = new RedisResultBackend(url)
    try {
      expect(backend.url).toBe(shown)
      expect(backend.url).not.toContain('s3cr3t')
      expect(parseRedisUrl(url).display).toBe(shown)
    } finally {
      await backend.close()
    }
  })

  it('redactUrl keeps URLs without a password as they are', () => {
    expect(redactUrl('redis://127.0.0.1:6379/1')).toBe('redis://127.0.0.1:6379/1')
    expect(redactUrl('redis://alice@h')).toBe('redis://alice@h')
    expect(redactUrl('unix:///tmp/r.sock?db=2')).toBe('unix:///tmp/r.sock?db=2')
  })

  it('the errors are BackendErrors, not URL TypeErrors', () => {
    let thrown: unknown
    try {
      parseRedisUrl('redis://[::1')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(BackendError)
  })
})
