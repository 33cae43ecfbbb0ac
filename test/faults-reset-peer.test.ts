import { describe, expect, it } from 'vitest'
import { proxiedPair } from './faults-tcp-peer.ts'
import { pollUntil } from './support/wait.ts'

describe('the reset_peer toxic', () => {
  it('present when the connection opens: drops the first reply and resets both sides (ECONNRESET)', async () => {
    const pair = await proxiedPair()
    await pair.proxy.addToxic({ type: 'reset_peer', attributes: { timeout: 0 } } as never)
    const { client, server } = await pair.open()
    server.socket.write('applied, but the reply is lost')
    expect(await client.whenClosed()).toMatchObject({ error: 'ECONNRESET' })
    expect(client.received()).toBe('')
    expect(await server.whenClosed()).toMatchObject({ error: 'ECONNRESET' })
  })

  it('upstream: the first command never reaches the server', async () => {
    const pair = await proxiedPair()
    await pair.proxy.addToxic({
      type: 'reset_peer',
      stream: 'upstream',
      attributes: { timeout: 50 },
    } as never)
    const { client, server } = await pair.open()
    client.socket.write('INCR counter')
    expect(await client.whenClosed()).toMatchObject({ error: 'ECONNRESET' })
    expect(server.received()).toBe('')
  })

  it('added to an open connection: closes it with FIN, as Go does without SO_LINGER 0', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'reset_peer', attributes: { timeout: 0 } } as never)
    server.socket.write('reply')
    expect(await client.whenClosed()).toMatchObject({ error: undefined })
    expect(client.endedAt).toBeDefined()
    expect(client.received()).toBe('')
  })

  it('never resets an idle connection', async () => {
    const pair = await proxiedPair()
    await pair.proxy.addToxic({ type: 'reset_peer', attributes: { timeout: 0 } } as never)
    const { client } = await pair.open()
    expect(await pollUntil(() => client.closed !== undefined, { timeoutMs: 300 })).toBe(false)
  })
})
