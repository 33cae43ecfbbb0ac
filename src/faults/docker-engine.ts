/** Whether a Docker engine answers, as testcontainers would find it. */
export type DockerEngineProbe = { available: true } | { available: false; reason: string }

/** @default for `probeDockerEngine`: an engine that takes longer than this to answer counts as absent. */
export const dockerProbeTimeoutMs = 5_000

/**
 * Asks testcontainers for its container runtime client (DOCKER_HOST, ~/.testcontainers.properties,
 * /var/run/docker.sock, …). On a machine without an engine this fails within milliseconds with
 * "Could not find a working container runtime strategy"; the probe never throws, it says why.
 */
export async function probeDockerEngine(timeoutMs = dockerProbeTimeoutMs): Promise<DockerEngineProbe> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<DockerEngineProbe>(resolve => {
    timer = setTimeout(
      () => resolve({ available: false, reason: `no Docker engine answered within ${timeoutMs} ms` }),
      timeoutMs,
    )
  })
  const probe = (async (): Promise<DockerEngineProbe> => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers')
      await getContainerRuntimeClient()
      return { available: true }
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]
      return { available: false, reason: `no Docker engine (${message})` }
    }
  })()
  try {
    return await Promise.race([probe, timedOut])
  } finally {
    clearTimeout(timer)
  }
}
