import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { toxiproxyApi } from './http-api.ts'
import { formatAddress } from './listen-address.ts'
import { ProxyCollection } from './proxy-collection.ts'

/**
 * The version `/version` reports: the real server's API level it follows, marked as this
 * implementation so nobody mistakes it for the Go binary.
 */
export const embeddedToxiproxyVersion = '2.12.0-chordlab-embedded'

export interface EmbeddedToxiproxyOptions {
  /** Address of the HTTP API. @default '127.0.0.1' */
  host?: string
  /** Port of the HTTP API; 0 picks a free one. @default 0 */
  port?: number
  /** Draws jitter, slicer cuts and toxicity rolls (`[0, 1)`), so a run can be replayed. @default Math.random */
  random?: () => number
}

/**
 * A Toxiproxy-compatible server in this process: the same HTTP API and toxics as Shopify's
 * toxiproxy-server, so toxiproxy-node-client (and scenarios written against it) cannot tell them
 * apart. Used when no real Toxiproxy is available.
 */
export class EmbeddedToxiproxy {
  readonly #options: EmbeddedToxiproxyOptions

  constructor(options: EmbeddedToxiproxyOptions = {}) {
    this.#options = options
  }

  async start(): Promise<StartedEmbeddedToxiproxy> {
    const proxies = new ProxyCollection(this.#options.random ?? Math.random)
    const handle = toxiproxyApi(proxies, embeddedToxiproxyVersion)
    const server = createServer((request, response) => void handle(request, response))
    server.listen({ host: this.#options.host ?? '127.0.0.1', port: this.#options.port ?? 0 })
    await once(server, 'listening')
    return new StartedEmbeddedToxiproxy(server, proxies)
  }
}

export class StartedEmbeddedToxiproxy {
  readonly host: string
  readonly port: number
  readonly #server: Server
  readonly #proxies: ProxyCollection
  #stopping: Promise<void> | undefined

  /** @internal Created by EmbeddedToxiproxy.start(). */
  constructor(server: Server, proxies: ProxyCollection) {
    this.#server = server
    this.#proxies = proxies
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('the API server has no TCP address')
    this.host = address.address
    this.port = address.port
  }

  /** The API's base URL, e.g. `http://127.0.0.1:8474`, for `new Toxiproxy(url)`. */
  url(): string {
    return `http://${formatAddress({ host: this.host, port: this.port })}`
  }

  /** Closes the API and every proxy with its connections. Harmless when called again. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  async #stop(): Promise<void> {
    const closed = new Promise(resolve => this.#server.close(resolve))
    this.#server.closeAllConnections()
    await this.#proxies.stopAll()
    await closed
  }
}
