import { findFreePort } from '../../servers/free-port.ts'
import { probeDockerEngine } from '../docker-engine.ts'
import { waitForToxiproxyApi } from '../wait-for-api.ts'
import type { ProviderAttempt } from './attempt.ts'

/** The image @testcontainers/toxiproxy 12 pins; v11 has no toxiproxy module, so GenericContainer runs it. */
export const toxiproxyImage = 'ghcr.io/shopify/toxiproxy:2.12.0'
const startTimeoutMs = 60_000

/**
 * Runs the real Toxiproxy image when a Docker engine answers. The container shares the host's
 * network (Linux), so its proxies listen on 127.0.0.1 and reach a redis-server chordlab started
 * on 127.0.0.1, exactly like the other providers.
 */
export async function toxiproxyFromDocker(): Promise<ProviderAttempt> {
  const engine = await probeDockerEngine()
  if (!engine.available) return { skipped: engine.reason }
  const { GenericContainer } = await import('testcontainers')
  const port = await findFreePort()
  const container = await new GenericContainer(toxiproxyImage)
    .withNetworkMode('host')
    .withCommand(['-host=127.0.0.1', `-port=${port}`])
    .withStartupTimeout(startTimeoutMs)
    .start()
  const apiUrl = `http://127.0.0.1:${port}`
  try {
    const version = await waitForToxiproxyApi(apiUrl, startTimeoutMs)
    return {
      provided: {
        kind: 'docker',
        apiUrl,
        description: `Toxiproxy ${version} in Docker (${toxiproxyImage}, host network) on ${apiUrl}`,
        release: async () => {
          await container.stop()
        },
      },
    }
  } catch (error) {
    await container.stop()
    throw error
  }
}
