import type { ToxiproxyProviderKind } from '../started-toxiproxy.ts'

/** A Toxiproxy a provider got running (or found), before the chain wraps it in a StartedToxiproxy. */
export interface ProvidedToxiproxy {
  kind: ToxiproxyProviderKind
  apiUrl: string
  description: string
  /** Stops what the provider started; does nothing for a server it only found. */
  release: () => Promise<void>
}

/** One provider's answer: a running Toxiproxy, or a one-line reason it cannot give one here. */
export type ProviderAttempt = { provided: ProvidedToxiproxy } | { skipped: string }
