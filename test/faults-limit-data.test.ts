import { describe, expect, it } from 'vitest'
import { proxiedPair } from './faults-tcp-peer.ts'

describe('the limit_data toxic', () => {
  it('passes exactly `bytes` bytes upstream, cutting the chunk that crosses the limit, then closes', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } } as never)
    client.socket.write('0123456789ABCDEF')
    expect(await server.whenClosed()).toBeDefined()
    expect(server.received()).toBe('0123456789')
    expect(await client.whenClosed()).toBeDefined()
  })

  it('counts across chunks downstream', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'limit_data', attributes: { bytes: 7 } } as never)
    server.socket.write('abcd')
    expect(await client.receivedAll('abcd')).toBe(true)
    server.socket.write('efghij')
    expect(await client.whenClosed()).toBeDefined()
    expect(client.received()).toBe('abcdefg')
  })

  it('bytes 0 closes on the first chunk and delivers nothing', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'limit_data', attributes: { bytes: 0 } } as never)
    server.socket.write('anything')
    expect(await client.whenClosed()).toBeDefined()
    expect(client.received()).toBe('')
  })
})
