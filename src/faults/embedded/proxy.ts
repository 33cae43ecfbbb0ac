import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { apiErrors } from './api-error.ts'
import { formatAddress, type ListenAddress, parseAddress } from './listen-address.ts'
import { ToxicCollection } from './toxic-collection.ts'

/** A proxied client connection and its upstream socket. */
interface ProxyConnection {
  client: Socket
  upstream: Socket
  /** Set when a reset_peer toxic was present as the connection opened (Go's SetLinger(0)). */
  resetOnClose: boolean
}

/**
 * One named TCP proxy: a listener on `listen` that, for every client, dials `upstream` and joins
 * the two sockets through the proxy's toxics. Disabling it closes the listener (new connects are
 * refused) and every open connection; enabling it listens again on the same address.
 */
export class ToxicProxy {
  readonly name: string
  /** As given, until the proxy listens; then the address it really got (`127.0.0.1:0` -> `127.0.0.1:41234`). */
  listen: string
  upstream: string
  enabled = false
  readonly toxics: ToxicCollection
  readonly #connections = new Set<ProxyConnection>()
  #server: Server | undefined

  constructor(settings: { name: string; listen: string; upstream: string }, random: () => number) {
    this.name = settings.name
    this.listen = settings.listen
    this.upstream = settings.upstream
    this.toxics = new ToxicCollection(random)
  }

  json(): Record<string, unknown> {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.json(),
    }
  }

  /** Listens on `listen`; an address in use or one that does not parse is a 500, as in Go. */
  async start(): Promise<void> {
    if (this.enabled) return
    const address = parseAddress(this.listen, 'listen')
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, client => this.#accept(client))
    try {
      server.listen({ host: address.host === '' ? undefined : address.host, port: address.port })
      await once(server, 'listening')
    } catch (error) {
      throw apiErrors.internal(`listen tcp ${formatAddress(address)}: ${(error as Error).message}`)
    }
    const bound = server.address()
    if (bound !== null && typeof bound === 'object') {
      this.listen = formatAddress({ host: bound.address, port: bound.port })
    }
    this.#server = server
    this.enabled = true
  }

  /** Stops listening and closes every connection (with RST where reset_peer asked for it). */
  async stop(): Promise<void> {
    if (!this.enabled) return
    this.enabled = false
    const server = this.#server
    this.#server = undefined
    const closed = server ? new Promise(resolve => server.close(resolve)) : Promise.resolve()
    for (const connection of this.#connections) {
      for (const socket of [connection.client, connection.upstream]) abort(socket, connection.resetOnClose)
    }
    this.#connections.clear()
    await closed
  }

  /**
   * Applies an update body decoded over the current values: a new listen address or upstream
   * restarts the proxy (dropping its connections); otherwise only `enabled` can change.
   */
  async update(settings: { listen: string; upstream: string; enabled: boolean }): Promise<void> {
    if (this.differs(settings.listen, settings.upstream)) {
      await this.stop()
      this.listen = settings.listen
      this.upstream = settings.upstream
      if (settings.enabled) await this.start()
      return
    }
    if (settings.enabled) await this.start()
    else await this.stop()
  }

  /** Whether `listen`/`upstream` name another address than this proxy's (a `:0` port always does). */
  differs(listen: string, upstream: string): boolean {
    const wanted = parseAddress(listen, 'listen')
    const current = parseAddress(this.listen, 'listen')
    return wanted.host !== current.host || wanted.port !== current.port || upstream !== this.upstream
  }

  /** Dials upstream for a new client; a failed dial closes the client (it sees EOF, not a refusal). */
  #accept(client: Socket): void {
    client.on('error', () => {})
    let target: ListenAddress
    try {
      target = parseAddress(this.upstream, 'upstream')
    } catch {
      client.destroy()
      return
    }
    const upstream = connect({ host: target.host || '127.0.0.1', port: target.port, allowHalfOpen: true })
    upstream.on('error', () => {})
    let connected = false
    upstream.once('close', () => {
      if (!connected) client.destroy()
    })
    upstream.once('connect', () => {
      connected = true
      if (!this.enabled || client.destroyed) {
        upstream.destroy()
        client.destroy()
        return
      }
      const connection: ProxyConnection = { client, upstream, resetOnClose: this.toxics.resetsPeer }
      this.#connections.add(connection)
      const close = (socket: Socket) => {
        if (connection.resetOnClose) socket.resetAndDestroy()
        else socket.destroySoon()
      }
      void this.toxics.startLinks(client, upstream, close).then(() => this.#connections.delete(connection))
      client.resume()
    })
  }
}

function abort(socket: Socket, reset: boolean): void {
  if (socket.destroyed) return
  if (reset) socket.resetAndDestroy()
  else socket.destroy()
}
