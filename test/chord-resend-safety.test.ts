import { describe, expect, it } from 'vitest'
import { defineScripts } from '../src/backend/scripts.ts'
import { openBackend, openRawClient } from './support/clients.ts'
import { uniqueId, uniqueNamespace } from './support/meta.ts'
import { useSuiteRedis } from './support/suite-redis.ts'

const redis = useSuiteRedis()

/**
 * ioredis resends a command whose reply was lost when it reconnects, with the same arguments; a
 * duplicate delivery of a task is a new call with a new token. The script must tell them apart.
 */
async function chordOfTwo() {
  const backend = openBackend(redis.url(), { namespace: uniqueNamespace() })
  const chordId = uniqueId('chord')
  await backend.chordInit({ chordId, total: 2 })
  const client = openRawClient(redis.url())
  defineScripts(client)
  const { counter, members } = backend.keys.chord(chordId)
  return { backend, chordId, client, counter, members }
}

describe('the reference chordComplete script', () => {
  it('answers the resend of the last call (same token) with isLast again, without counting', async () => {
    const { backend, chordId, client, counter, members } = await chordOfTwo()
    expect(await client.chordComplete(counter, members, 'a', 'token-1')).toEqual([1, 2, 0, 1])
    expect(await client.chordComplete(counter, members, 'b', 'token-2')).toEqual([2, 2, 1, 1])
    // The transport resends the very same call.
    expect(await client.chordComplete(counter, members, 'b', 'token-2')).toEqual([2, 2, 1, 0])
    expect(await client.get(counter)).toBe('2')
    expect((await backend.chordGetState(chordId))?.completed).toBe(2)
  })

  it('answers a redelivery of the last task (new token) with isLast 0', async () => {
    const { client, counter, members } = await chordOfTwo()
    await client.chordComplete(counter, members, 'a', 'token-1')
    expect(await client.chordComplete(counter, members, 'b', 'token-2')).toEqual([2, 2, 1, 1])
    expect(await client.chordComplete(counter, members, 'b', 'token-3')).toEqual([2, 2, 0, 0])
    expect(await client.get(counter)).toBe('2')
  })

  it('answers the resend of a call that did not finish the chord with isLast 0', async () => {
    const { client, counter, members } = await chordOfTwo()
    expect(await client.chordComplete(counter, members, 'a', 'token-1')).toEqual([1, 2, 0, 1])
    expect(await client.chordComplete(counter, members, 'a', 'token-1')).toEqual([1, 2, 0, 0])
    expect(await client.chordComplete(counter, members, 'b', 'token-2')).toEqual([2, 2, 1, 1])
    expect(await client.chordComplete(counter, members, 'a', 'token-1')).toEqual([2, 2, 0, 0])
  })

  it('does not take another task with the finishing token for the finisher', async () => {
    const { client, counter, members } = await chordOfTwo()
    await client.chordComplete(counter, members, 'a', 'token-1')
    await client.chordComplete(counter, members, 'b', 'token-2')
    expect(await client.chordComplete(counter, members, 'a', 'token-2')).toEqual([2, 2, 0, 0])
  })

  it('backend calls carry distinct tokens, so a redelivery through the backend is never last', async () => {
    const { backend, chordId } = await chordOfTwo()
    await backend.chordCompleteTask(chordId, 'a')
    expect(await backend.chordCompleteTask(chordId, 'b')).toMatchObject({ isLast: true, counted: true })
    expect(await backend.chordCompleteTask(chordId, 'b')).toMatchObject({ isLast: false, counted: false })
  })
})
