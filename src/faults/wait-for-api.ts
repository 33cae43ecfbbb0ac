import { setTimeout as delay } from 'node:timers/promises'

const pollIntervalMs = 100
const requestTimeoutMs = 2_000

/**
 * Polls `GET {apiUrl}/version` until it answers 2xx or `timeoutMs` passes; resolves to the
 * version text, or throws with the last failure. A Toxiproxy that never answers is a clear error,
 * not a hang.
 */
export async function waitForToxiproxyApi(apiUrl: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let lastError = 'no answer'
  for (let attempt = 0; attempt < Math.ceil(timeoutMs / pollIntervalMs) + 1; attempt++) {
    try {
      const response = await fetch(`${apiUrl}/version`, { signal: AbortSignal.timeout(requestTimeoutMs) })
      const text = await response.text()
      if (response.ok) return versionOf(text)
      lastError = `HTTP ${response.status}`
    } catch (error) {
      lastError =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error)
    }
    if (Date.now() >= deadline) break
    await delay(pollIntervalMs)
  }
  throw new Error(`Toxiproxy at ${apiUrl} did not answer GET /version within ${timeoutMs} ms (${lastError})`)
}

/** `{"version": "2.12.0"}\n` -> `2.12.0`; older servers answer with the bare version. */
function versionOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { version?: unknown }
    if (typeof parsed.version === 'string') return parsed.version
  } catch {
    // Not JSON: a bare version string.
  }
  return text.trim()
}
