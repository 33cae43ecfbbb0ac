import type { ProviderAttempt } from './providers/attempt.ts'
import { toxiproxyFromBinary } from './providers/binary.ts'
import { toxiproxyFromDocker } from './providers/docker.ts'
import { embeddedToxiproxy } from './providers/embedded.ts'
import { toxiproxyFromUrl } from './providers/url.ts'
import { type ProviderSkip, StartedToxiproxy, type ToxiproxyProviderKind } from './started-toxiproxy.ts'

export interface ToxiproxyChainOptions {
  /**
   * Start from this provider instead of the first (e.g. `embedded` to skip the probes). The
   * providers before it are reported as skipped "by request".
   * @default 'url'
   */
  from?: ToxiproxyProviderKind
  /** Where TOXIPROXY_URL and PATH are read. @default process.env */
  env?: NodeJS.ProcessEnv
  /** Random source of the embedded server (jitter, slicer cuts, toxicity). @default Math.random */
  random?: () => number
  /** How long the server at TOXIPROXY_URL has to answer GET /version. @default 5_000 */
  urlAnswerTimeoutMs?: number
}

export const providerOrder: readonly ToxiproxyProviderKind[] = ['url', 'binary', 'docker', 'embedded']

/**
 * The first Toxiproxy available, in this order: TOXIPROXY_URL (a running server), a
 * `toxiproxy-server` binary on PATH (spawned on loopback), the Docker image when an engine
 * answers, and finally the embedded server. The handle lists every provider passed over and why.
 */
export async function startToxiproxy(options: ToxiproxyChainOptions = {}): Promise<StartedToxiproxy> {
  const env = options.env ?? process.env
  const attempts: Record<ToxiproxyProviderKind, () => Promise<ProviderAttempt>> = {
    url: () => toxiproxyFromUrl(env.TOXIPROXY_URL, options.urlAnswerTimeoutMs ?? 5_000),
    binary: () => toxiproxyFromBinary(env.PATH),
    docker: () => toxiproxyFromDocker(),
    embedded: async () => ({ provided: await embeddedToxiproxy(options.random) }),
  }
  const first = providerOrder.indexOf(options.from ?? 'url')
  const skipped: ProviderSkip[] = providerOrder
    .slice(0, first)
    .map(kind => ({ kind, reason: `skipped by request (starting from ${options.from})` }))
  for (const kind of providerOrder.slice(first)) {
    const attempt = await attempts[kind]()
    if ('provided' in attempt) return new StartedToxiproxy({ ...attempt.provided, skipped })
    skipped.push({ kind, reason: attempt.skipped })
  }
  throw new Error('no Toxiproxy provider was available (the embedded one always should be)')
}
