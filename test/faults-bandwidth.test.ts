import { describe, expect, it } from 'vitest'
import { proxiedPair } from './faults-tcp-peer.ts'
import { pollUntil } from './support/wait.ts'

describe('the bandwidth toxic', () => {
  it('passes rate KB/s (KB = 1000 B): 3000 B at 10 KB/s take 300 ms, in 100 ms pieces of 1000 B', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'bandwidth', attributes: { rate: 10 } } as never)
    const payload = 'x'.repeat(3_000)
    const sentAt = performance.now()
    server.socket.write(payload)
    expect(await client.receivedAll(payload)).toBe(true)
    const lastAt = client.chunks.at(-1)?.at ?? 0
    expect(lastAt - sentAt).toBeGreaterThanOrEqual(300 - 2)
    expect(client.chunks.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...client.chunks.map(chunk => chunk.data.length))).toBeLessThanOrEqual(1_000)
  })

  it('rate 0 holds the data until the toxic is removed, then delivers all of it', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    const toxic = await pair.proxy.addToxic({ type: 'bandwidth', attributes: { rate: 0 } } as never)
    server.socket.write('held')
    expect(await pollUntil(() => client.chunks.length > 0, { timeoutMs: 300 })).toBe(false)
    await toxic.remove()
    expect(await client.receivedAll('held')).toBe(true)
  })
})
