import { describe, expect, it } from 'vitest'
import { proxiedPair } from './faults-tcp-peer.ts'
import { pollUntil } from './support/wait.ts'

describe('the timeout toxic', () => {
  it('timeout 0 drops every byte and keeps the connection open; removing it closes the connection', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    const toxic = await pair.proxy.addToxic({ type: 'timeout', attributes: { timeout: 0 } } as never)
    server.socket.write('lost reply')
    expect(
      await pollUntil(() => client.chunks.length > 0 || client.closed !== undefined, { timeoutMs: 300 }),
    ).toBe(false)
    await toxic.remove()
    expect(await client.whenClosed()).toMatchObject({ error: undefined })
    expect(client.received()).toBe('')
    expect(await server.whenClosed()).toBeDefined()
  })

  it('timeout > 0 closes the connection once no data came for that long; the data never arrives', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 150 } } as never)
    const sentAt = performance.now()
    client.socket.write('dropped command')
    const closed = await client.whenClosed()
    expect(closed).toBeDefined()
    expect((closed?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(150 - 2)
    expect(server.received()).toBe('')
  })
})
