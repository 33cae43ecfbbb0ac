import type { NodeAddress } from './topology-types.ts'

/** The URL form the backend reads for a cluster or a Sentinel group (see src/backend/target-url.ts). */
export function topologyUrl(
  kind: 'cluster' | 'sentinel',
  nodes: readonly NodeAddress[],
  tls: boolean,
  path: string,
): string {
  const hosts = nodes.map(node => `${node.host}:${node.port}`).join(',')
  return `${tls ? 'rediss' : 'redis'}+${kind}://${hosts}${path}`
}
