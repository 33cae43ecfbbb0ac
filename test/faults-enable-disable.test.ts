import { once } from 'node:events'
import { connect } from 'node:net'
import { Toxiproxy } from 'toxiproxy-node-client'
import { describe, expect, it, onTestFinished } from 'vitest'
import { EmbeddedToxiproxy } from '../src/faults/embedded/server.ts'
import { connectPeer, listenPort, proxiedPair } from './faults-tcp-peer.ts'
import { unusedPort } from './support/clients.ts'

async function connectError(port: number): Promise<string | undefined> {
  const socket = connect({ host: '127.0.0.1', port })
  try {
    await once(socket, 'connect')
    return undefined
  } catch (error) {
    return (error as NodeJS.ErrnoException).code
  } finally {
    socket.destroy()
  }
}

describe('disabling and enabling a proxy', () => {
  it('disable closes open connections and refuses new ones; enable listens on the same port again', async () => {
    const pair = await proxiedPair()
    const { client } = await pair.open()
    const port = listenPort(pair.proxy)
    const disabled = await pair.proxy.update({
      enabled: false,
      listen: pair.proxy.listen,
      upstream: pair.proxy.upstream,
    })
    expect(await client.whenClosed()).toBeDefined()
    expect(await connectError(port)).toBe('ECONNREFUSED')
    await disabled.update({ enabled: true, listen: pair.proxy.listen, upstream: pair.proxy.upstream })
    const again = await pair.open()
    again.server.socket.write('back')
    expect(await again.client.receivedAll('back')).toBe(true)
    expect(listenPort(await pair.client.get('peer'))).toBe(port)
  })

  it('an upstream that refuses: the client connects, then sees the connection closed (not ECONNREFUSED)', async () => {
    const server = await new EmbeddedToxiproxy().start()
    onTestFinished(() => server.stop())
    const proxy = await new Toxiproxy(server.url()).createProxy({
      name: 'dead',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${await unusedPort()}`,
    })
    const client = await connectPeer(listenPort(proxy))
    expect(await client.whenClosed()).toBeDefined()
    expect(client.received()).toBe('')
  })
})
