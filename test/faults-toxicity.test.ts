import { describe, expect, it } from 'vitest'
import { proxiedPair } from './faults-tcp-peer.ts'
import { pollUntil } from './support/wait.ts'

describe('toxicity', () => {
  it('is rolled once per connection: a roll under the toxicity applies the toxic, one above passes data', async () => {
    const rolls = [0.3, 0.7]
    const pair = await proxiedPair({ random: () => rolls.shift() ?? 0 })
    await pair.proxy.addToxic({ type: 'timeout', toxicity: 0.5, attributes: { timeout: 0 } } as never)
    const first = await pair.open()
    const second = await pair.open()
    first.server.socket.write('one')
    second.server.socket.write('two')
    expect(await second.client.receivedAll('two')).toBe(true)
    expect(await pollUntil(() => first.client.chunks.length > 0, { timeoutMs: 200 })).toBe(false)
    expect(rolls).toEqual([])
  })

  it('0 never applies and 1 always does', async () => {
    const pair = await proxiedPair()
    const never = await pair.proxy.addToxic({ name: 'never', type: 'timeout', toxicity: 0 } as never)
    const { client, server } = await pair.open()
    server.socket.write('passes')
    expect(await client.receivedAll('passes')).toBe(true)
    await never.remove()
    await pair.proxy.addToxic({
      name: 'always',
      type: 'limit_data',
      toxicity: 1,
      attributes: { bytes: 0 },
    } as never)
    server.socket.write('cut')
    expect(await client.whenClosed()).toBeDefined()
    expect(client.received()).toBe('passes')
  })
})
