import { describe, expect, it } from 'vitest'
import { proxiedPair } from './faults-tcp-peer.ts'

describe('the slow_close toxic', () => {
  it('passes the data at once and the close `delay` ms later', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'slow_close', attributes: { delay: 150 } } as never)
    server.socket.end('last words')
    const endedAt = performance.now()
    expect(await client.receivedAll('last words')).toBe(true)
    const closed = await client.whenClosed()
    expect(closed).toBeDefined()
    expect((client.endedAt ?? 0) - endedAt).toBeGreaterThanOrEqual(150 - 2)
  })
})
