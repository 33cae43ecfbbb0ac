import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { Toxiproxy, type Proxy as ToxiproxyProxy } from 'toxiproxy-node-client'
import { onTestFinished } from 'vitest'
import { EmbeddedToxiproxy } from '../src/faults/embedded/server.ts'
import { pollUntil } from './support/wait.ts'

/**
 * Loopback TCP peers for the embedded proxy's conformance tests: each end records every byte it
 * received (with the time it arrived) and how its connection ended, so a test can check exactly
 * what crossed the proxy in each direction.
 */
export class Peer {
  readonly socket: Socket
  readonly chunks: Array<{ data: Buffer; at: number }> = []
  /** The peer closed its side cleanly (FIN). */
  endedAt: number | undefined
  /** The connection is gone; `error` is the code when it went with one (ECONNRESET). */
  closed: { at: number; error: string | undefined } | undefined
  #error: string | undefined

  constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (data: Buffer) => this.chunks.push({ data, at: performance.now() }))
    socket.on('end', () => {
      this.endedAt = performance.now()
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#error = error.code ?? error.message
    })
    socket.on('close', () => {
      this.closed = { at: performance.now(), error: this.#error }
    })
  }

  received(): string {
    return Buffer.concat(this.chunks.map(chunk => chunk.data)).toString('latin1')
  }

  /** Waits until `text` has arrived in full (or the deadline passes); true when it did. */
  receivedAll(text: string, timeoutMs = 5_000): Promise<boolean> {
    return pollUntil(() => this.received().length >= text.length || this.closed !== undefined, {
      timeoutMs,
      intervalMs: 5,
    }).then(() => this.received() === text)
  }

  /** Waits until the connection closed; resolves how, or undefined if it is still open at the deadline. */
  async whenClosed(timeoutMs = 5_000): Promise<Peer['closed']> {
    await pollUntil(() => this.closed !== undefined, { timeoutMs, intervalMs: 5 })
    return this.closed
  }
}

/** A TCP server on 127.0.0.1 that keeps a Peer for every connection it accepts. */
export async function startPeerServer(): Promise<{ port: number; peers: Peer[]; next(): Promise<Peer> }> {
  const peers: Peer[] = []
  const server: Server = createServer(socket => peers.push(new Peer(socket)))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  onTestFinished(async () => {
    for (const peer of peers) peer.socket.destroy()
    await new Promise(resolve => server.close(resolve))
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  let taken = 0
  return {
    port: address.port,
    peers,
    async next() {
      const index = taken++
      await pollUntil(() => peers.length > index, { timeoutMs: 5_000, intervalMs: 5 })
      const peer = peers[index]
      if (!peer) throw new Error('the upstream server saw no new connection')
      return peer
    },
  }
}

export async function connectPeer(port: number): Promise<Peer> {
  const socket = connect({ host: '127.0.0.1', port })
  const peer = new Peer(socket)
  await once(socket, 'connect')
  onTestFinished(() => {
    socket.destroy()
  })
  return peer
}

/** Port of a proxy's resolved `listen` address. */
export function listenPort(proxy: ToxiproxyProxy): number {
  return Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1))
}

/**
 * An embedded Toxiproxy, an upstream peer server and one proxy between them; `open()` makes a
 * connection through the proxy and returns both of its ends.
 */
export async function proxiedPair(options: { random?: () => number } = {}) {
  const server = await new EmbeddedToxiproxy({ random: options.random }).start()
  onTestFinished(() => server.stop())
  const client = new Toxiproxy(server.url())
  const upstream = await startPeerServer()
  const proxy = await client.createProxy({
    name: 'peer',
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${upstream.port}`,
  })
  return {
    api: server.url(),
    client,
    proxy,
    upstream,
    async open(): Promise<{ client: Peer; server: Peer }> {
      const clientEnd = await connectPeer(listenPort(proxy))
      return { client: clientEnd, server: await upstream.next() }
    },
  }
}
