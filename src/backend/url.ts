import { isIP } from 'node:net'
import type { RedisOptions } from 'ioredis'
import { BackendError } from './errors.ts'

/** TLS material for `rediss://` URLs (PEM text or buffers). */
export interface TlsOptions {
  /** CA certificate(s) to trust instead of the system's. */
  ca?: string | Buffer
  /** Client certificate and key, for servers that require one. */
  cert?: string | Buffer
  key?: string | Buffer
  /** @default true */
  rejectUnauthorized?: boolean
  /** Name to check in the server's certificate. @default the URL's host */
  servername?: string
}

/** Where to connect, as ioredis options, plus a description that is safe to print. */
export interface ConnectionTarget {
  options: Pick<RedisOptions, 'host' | 'port' | 'path' | 'db' | 'username' | 'password' | 'tls'>
  /** The URL with any password replaced by `***`: the only form that reaches messages and reports. */
  display: string
}

const defaultPort = 6379
const unixQueryKeys = new Set(['db', 'user', 'username', 'pass', 'password'])

/**
 * Accepted forms:
 * - `redis://[[user][:password]@]host[:port][/db]` (ACL user and password are optional)
 * - `rediss://…` the same over TLS (see {@link TlsOptions})
 * - `unix:///path/to/redis.sock[?db=N&user=U&password=P]`, also spelled `redis+unix://` (redis-rs's forms)
 */
export function parseRedisUrl(url: unknown, tls?: TlsOptions): ConnectionTarget {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new BackendError('InvalidInput', 'Redis URL must be a non-empty string')
  }
  const display = redactUrl(url)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw invalidUrl(display, 'it is not a URL')
  }
  switch (parsed.protocol) {
    case 'redis:':
    case 'rediss:':
      return { options: tcpOptions(parsed, display, tls), display }
    case 'unix:':
    case 'redis+unix:':
      return { options: unixOptions(parsed, display), display }
    default:
      throw invalidUrl(
        display,
        `scheme "${parsed.protocol}" is not one of redis:, rediss:, unix:, redis+unix:, redis+cluster:, redis+sentinel: (or rediss+…)`,
      )
  }
}

function tcpOptions(url: URL, display: string, tls: TlsOptions | undefined): ConnectionTarget['options'] {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (host === '') throw invalidUrl(display, 'it has no host')
  if (url.search !== '') throw invalidUrl(display, 'query parameters are not supported on redis:// URLs')
  const port = url.port === '' ? defaultPort : Number(url.port)
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw invalidUrl(display, 'the port is out of range')
  const options: ConnectionTarget['options'] = { host, port, db: databaseFromPath(url.pathname, display) }
  if (url.username !== '') options.username = decodeUrlPart(url.username, display)
  if (url.password !== '') options.password = decodeUrlPart(url.password, display)
  // RFC 6066 forbids an IP address as the TLS server name; Node then checks the IP against the certificate.
  if (url.protocol === 'rediss:') options.tls = isIP(host) === 0 ? { servername: host, ...tls } : { ...tls }
  return options
}

function unixOptions(url: URL, display: string): ConnectionTarget['options'] {
  if (url.host !== '')
    throw invalidUrl(display, 'a unix socket URL takes a path only (unix:///path/to/redis.sock)')
  if (url.pathname === '' || url.pathname === '/') throw invalidUrl(display, 'it has no socket path')
  for (const key of url.searchParams.keys()) {
    if (!unixQueryKeys.has(key)) throw invalidUrl(display, `unknown query parameter "${key}"`)
  }
  const options: ConnectionTarget['options'] = { path: decodeUrlPart(url.pathname, display), db: 0 }
  const db = url.searchParams.get('db')
  if (db !== null) options.db = parseDatabase(db, display)
  const username = url.searchParams.get('user') ?? url.searchParams.get('username')
  if (username) options.username = username
  const password = url.searchParams.get('password') ?? url.searchParams.get('pass')
  if (password) options.password = password
  return options
}

function databaseFromPath(pathname: string, display: string): number {
  const segment = pathname.replace(/^\//, '')
  return segment === '' ? 0 : parseDatabase(segment, display)
}

function parseDatabase(text: string, display: string): number {
  if (!/^\d{1,9}$/.test(text)) throw invalidUrl(display, `database "${text}" is not a whole number`)
  return Number(text)
}

/** Percent-decodes one part of a URL; a malformed escape is `InvalidInput`. */
export function decodeUrlPart(component: string, display: string): string {
  try {
    return decodeURIComponent(component)
  } catch {
    throw invalidUrl(display, 'it has a malformed percent-escape')
  }
}

/** The error for a URL that cannot be used; `display` must already be redacted. */
export function invalidUrl(display: string, reason: string): BackendError {
  return new BackendError('InvalidInput', `invalid Redis URL ${display}: ${reason}`)
}

/**
 * Replaces the password in any URL-like text with `***`, also when the text is not a valid URL,
 * since that is exactly when it gets printed in an error. The user info is taken to run to the
 * last `@` anywhere in the text: a password with an unescaped `/`, `?` or `#` is still hidden,
 * even though the URL standard would end the authority there. Query parameters named `pass` or
 * `password` (also percent-encoded) are hidden too.
 */
export function redactUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? ''
  const rest = url.slice(scheme.length)
  const at = rest.lastIndexOf('@')
  const colon = rest.indexOf(':')
  const hidden =
    at !== -1 && colon !== -1 && colon < at ? `${rest.slice(0, colon)}:***${rest.slice(at)}` : rest
  return (
    scheme +
    hidden.replace(/([?&])([^=&#]*)=([^&#]*)/g, (whole, separator: string, name: string) =>
      isPasswordParameter(name) ? `${separator}${name}=***` : whole,
    )
  )
}

function isPasswordParameter(name: string): boolean {
  try {
    return /^(sentinel_?)?pass(word)?$/i.test(decodeURIComponent(name))
  } catch {
    return /pass/i.test(name)
  }
}
