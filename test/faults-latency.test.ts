import { describe, expect, it } from 'vitest'
import { proxiedPair } from './faults-tcp-peer.ts'

/** Node timers can fire up to about a millisecond early against performance.now(). */
const slackMs = 2

describe('the latency toxic', () => {
  it('holds each downstream chunk for latency − jitter at the least (random 0: the lowest draw)', async () => {
    const pair = await proxiedPair({ random: () => 0 })
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'latency', attributes: { latency: 60, jitter: 20 } } as never)
    const sentAt = performance.now()
    server.socket.write('reply')
    expect(await client.receivedAll('reply')).toBe(true)
    expect((client.chunks[0]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(40 - slackMs)
  })

  it('adds the jitter: the highest draw holds a chunk for latency + jitter − 1', async () => {
    const pair = await proxiedPair({ random: () => 0.999 })
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'latency', attributes: { latency: 60, jitter: 20 } } as never)
    const sentAt = performance.now()
    server.socket.write('reply')
    expect(await client.receivedAll('reply')).toBe(true)
    expect((client.chunks[0]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(79 - slackMs)
  })

  it('delays upstream only when asked, keeps order and every byte', async () => {
    const pair = await proxiedPair({ random: () => 0.5 })
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 50 } } as never)
    const sentAt = performance.now()
    const parts = Array.from({ length: 20 }, (_, index) => `<${index}>`)
    for (const part of parts) client.socket.write(part)
    expect(await server.receivedAll(parts.join(''))).toBe(true)
    expect((server.chunks[0]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(50 - slackMs)
    // The other direction has no toxic.
    server.socket.write('back')
    expect(await client.receivedAll('back')).toBe(true)
  })
})
