import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { proxiedPair } from './faults-tcp-peer.ts'

describe('toxics on a live connection', () => {
  it('are added, updated and removed while bytes flow, and not one byte is lost or reordered', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    const parts = Array.from({ length: 300 }, (_, index) => `[${index}]`)
    const writing = (async () => {
      for (const part of parts) {
        server.socket.write(part)
        await delay(1)
      }
    })()
    const latency = await pair.proxy.addToxic({ type: 'latency', attributes: { latency: 30 } } as never)
    const slicer = await pair.proxy.addToxic({
      type: 'slicer',
      attributes: { average_size: 3, size_variation: 1 },
    } as never)
    await latency.update({ attributes: { latency: 5 } } as never)
    const bandwidth = await pair.proxy.addToxic({ type: 'bandwidth', attributes: { rate: 50 } } as never)
    await latency.remove()
    await slicer.remove()
    await bandwidth.remove()
    await writing
    expect(await client.receivedAll(parts.join(''))).toBe(true)
  })

  it('removing a latency toxic delivers the chunks it was still holding, in order', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    const latency = await pair.proxy.addToxic({ type: 'latency', attributes: { latency: 10_000 } } as never)
    const parts = Array.from({ length: 20 }, (_, index) => `(${index})`)
    for (const part of parts) {
      server.socket.write(part)
      await delay(2)
    }
    await latency.remove()
    expect(await client.receivedAll(parts.join(''))).toBe(true)
  })

  it('a toxic added to an open connection acts on it, not only on new ones', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    server.socket.write('before')
    expect(await client.receivedAll('before')).toBe(true)
    await pair.proxy.addToxic({ type: 'limit_data', attributes: { bytes: 3 } } as never)
    server.socket.write('after')
    expect(await client.whenClosed()).toBeDefined()
    expect(client.received()).toBe('beforeaft')
  })
})
