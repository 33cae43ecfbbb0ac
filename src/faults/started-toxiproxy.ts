import { Toxiproxy } from 'toxiproxy-node-client'
import type { ProvidedToxiproxy } from './providers/attempt.ts'

/** Where the Toxiproxy a run uses came from, in the order the chain tries them. */
export type ToxiproxyProviderKind = 'url' | 'binary' | 'docker' | 'embedded'

/** A provider the chain passed over, and why, in one line. */
export interface ProviderSkip {
  kind: ToxiproxyProviderKind
  reason: string
}

/**
 * A running Toxiproxy, whichever provider gave it. Scenarios talk to it only through `client`
 * (toxiproxy-node-client), so they cannot tell a real server from the embedded one.
 */
export class StartedToxiproxy implements AsyncDisposable {
  readonly kind: ToxiproxyProviderKind
  /** The HTTP API's base URL. */
  readonly apiUrl: string
  /** Host where the proxies it creates accept connections from this machine. */
  readonly proxyHost: string
  readonly client: Toxiproxy
  /** Providers tried before this one; empty when the first one answered. */
  readonly skipped: readonly ProviderSkip[]
  /** What it is and where, e.g. `toxiproxy-server 2.12.0 (/usr/local/bin/toxiproxy-server), spawned on http://…`. */
  readonly description: string
  readonly #release: () => Promise<void>
  #stopping: Promise<void> | undefined

  constructor(details: ProvidedToxiproxy & { skipped: readonly ProviderSkip[] }) {
    this.kind = details.kind
    this.apiUrl = details.apiUrl
    this.proxyHost = new URL(details.apiUrl).hostname.replace(/^\[(.*)\]$/, '$1')
    this.client = new Toxiproxy(details.apiUrl)
    this.description = details.description
    this.skipped = details.skipped
    this.#release = details.release
  }

  /** Stops what the provider started (a child process, a container, the embedded server); never a server given by URL. */
  stop(): Promise<void> {
    this.#stopping ??= this.#release()
    return this.#stopping
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }
}
