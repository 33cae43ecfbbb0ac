import { waitForToxiproxyApi } from '../wait-for-api.ts'
import type { ProviderAttempt } from './attempt.ts'

/**
 * A Toxiproxy the user runs, named by TOXIPROXY_URL. Asked for explicitly, so one that does not
 * answer is an error rather than a reason to quietly use another provider.
 */
export async function toxiproxyFromUrl(
  url: string | undefined,
  answerTimeoutMs: number,
): Promise<ProviderAttempt> {
  if (url === undefined || url === '') return { skipped: 'TOXIPROXY_URL is not set' }
  const apiUrl = url.replace(/\/+$/, '')
  const version = await waitForToxiproxyApi(apiUrl, answerTimeoutMs)
  return {
    provided: {
      kind: 'url',
      apiUrl,
      description: `Toxiproxy ${version} at TOXIPROXY_URL ${apiUrl}`,
      release: async () => {},
    },
  }
}
