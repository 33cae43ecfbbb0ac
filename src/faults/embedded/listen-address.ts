import { apiErrors } from './api-error.ts'

/** A TCP address as the API spells it: `host:port`, `[v6]:port`, `:port` (every interface). */
export interface ListenAddress {
  /** Empty for every interface. */
  host: string
  port: number
}

/**
 * Parses `listen` or `upstream` as Go's net.ResolveTCPAddr would accept it; `localhost` becomes
 * 127.0.0.1, as Go resolves it on these machines, and an empty address means every interface, any
 * port. Anything else is a 500, like the real server.
 */
export function parseAddress(address: string, field: string): ListenAddress {
  if (address === '') return { host: '', port: 0 }
  const colon = address.lastIndexOf(':')
  if (colon < 0) throw apiErrors.internal(`${field} tcp: address ${address}: missing port in address`)
  let host = address.slice(0, colon)
  const portText = address.slice(colon + 1)
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  const port = portText === '' ? 0 : Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw apiErrors.internal(`${field} tcp: address ${address}: invalid port`)
  }
  return { host: host === 'localhost' ? '127.0.0.1' : host, port }
}

export function formatAddress({ host, port }: ListenAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
