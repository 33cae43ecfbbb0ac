import { describe, expect, it } from 'vitest'
import { keySlot } from '../src/backend/key-slot.ts'
import { KeyLayout, RedisResultBackend } from '../src/index.ts'

describe('key names on a cluster', () => {
  it('wraps the chord id of every chord key in braces (a hash tag), and nothing else', () => {
    const keys = new KeyLayout('app:', undefined, true)
    expect(keys.chord('c1')).toEqual({
      state: 'app:celery-chord-{c1}',
      counter: 'app:celery-chord-counter-{c1}',
      members: 'app:celery-chord-members-{c1}',
    })
    expect(keys.result('t1')).toBe('app:celery-task-meta-t1')
    expect(keys.celeryChord('g1')).toEqual({
      size: 'app:celery-taskset-meta-g1.s',
      joined: 'app:celery-taskset-meta-g1.j',
      added: 'app:celery-taskset-meta-g1.t',
    })
    expect(keys.withResultPrefix('my-').chord('c1').counter).toBe('app:celery-chord-counter-{c1}')
  })

  it("keeps the spec's names on one server and under Sentinel", async () => {
    const single = new RedisResultBackend('redis://127.0.0.1:1')
    const sentinel = new RedisResultBackend({ sentinels: [{ host: '127.0.0.1', port: 1 }], name: 'm' })
    for (const backend of [single, sentinel]) {
      expect(backend.keys.hashTagChords).toBe(false)
      expect(backend.keys.chord('c1').members).toBe('celery-chord-members-c1')
    }
    const cluster = new RedisResultBackend({ cluster: [{ host: '127.0.0.1', port: 1 }] })
    expect(cluster.keys.hashTagChords).toBe(true)
    expect(cluster.withPrefix('p-').keys.chord('c1').state).toBe('celery-chord-{c1}')
    // Nothing connected (connections are lazy); closing releases the clients all the same.
    await Promise.all([single, sentinel, cluster].map(backend => backend.close()))
  })

  it('puts all keys of one chord in one slot, and chords of other ids in other slots', () => {
    const keys = new KeyLayout('', undefined, true)
    const slotsOf = (chordId: string) => new Set(Object.values(keys.chord(chordId)).map(keySlot))
    expect(slotsOf('chord-a').size).toBe(1)
    expect([...slotsOf('chord-a')]).toEqual([keySlot('chord-a')])
    const many = new Set(
      Array.from({ length: 50 }, (_, index) => keySlot(keys.chord(`chord-${index}`).counter)),
    )
    expect(many.size).toBeGreaterThan(40)
  })
})

describe('keySlot', () => {
  // Values from the Redis Cluster specification and CLUSTER KEYSLOT; cluster-operations.test.ts
  // compares more keys against a running cluster.
  it.each([
    ['123456789', 12_739],
    ['foo', 12_182],
    ['{user1000}.following', 3_443],
    ['user1000', 3_443],
  ])('%s hashes to slot %i', (key, slot) => {
    expect(keySlot(key)).toBe(slot)
  })

  it('hashes only the first tag, and the whole key when the first tag is empty', () => {
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'))
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'))
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'))
  })
})
