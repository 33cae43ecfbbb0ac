import { EmbeddedToxiproxy, embeddedToxiproxyVersion } from '../embedded/server.ts'
import type { ProvidedToxiproxy } from './attempt.ts'

/** The last resort, always available: the Toxiproxy-compatible server in this process. */
export async function embeddedToxiproxy(random?: () => number): Promise<ProvidedToxiproxy> {
  const server = await new EmbeddedToxiproxy({ host: '127.0.0.1', port: 0, random }).start()
  return {
    kind: 'embedded',
    apiUrl: server.url(),
    description: `embedded Toxiproxy-compatible server ${embeddedToxiproxyVersion} (in process) on ${server.url()}`,
    release: () => server.stop(),
  }
}
