import type { ClusterTarget, NodeAddress, SentinelTarget } from './target.ts'
import { decodeUrlPart, invalidUrl, redactUrl } from './url.ts'

const topologyScheme = /^(rediss?)\+(cluster|sentinel):\/\//i
const defaultPorts = { cluster: 6379, sentinel: 26379 } as const

/**
 * Reads the URL spellings of the object targets, so that a cluster or a Sentinel group fits
 * wherever a URL does (REDIS_URL, `--redis-url`):
 * - `redis+cluster://[[user]:password@]host:port[,host:port…]`: the nodes to discover a cluster from
 * - `redis+sentinel://[[user]:password@]host:port[,host:port…]/name[/db][?sentinelPassword=…]`:
 *   the sentinels, the name they monitor the primary under, its database, and the sentinels' own
 *   password when they have one (user and password are the data nodes')
 * - `rediss+cluster://`, `rediss+sentinel://`: the same with TLS to every node
 *
 * A port may be left out (6379 for cluster nodes, 26379 for sentinels); IPv6 hosts go in brackets.
 * Returns undefined for any other scheme, which is then a single server's URL.
 */
export function parseTopologyUrl(url: string): ClusterTarget | SentinelTarget | undefined {
  const scheme = topologyScheme.exec(url)
  if (scheme === null) return undefined
  const display = redactUrl(url)
  const kind = scheme[2]?.toLowerCase() === 'cluster' ? 'cluster' : 'sentinel'
  const { userInfo, hosts, path, query } = split(url.slice(scheme[0].length))
  const nodes = addresses(hosts, defaultPorts[kind], display)
  const credentials = {
    ...userAndPassword(userInfo, display),
    ...(scheme[1]?.toLowerCase() === 'rediss' ? { tls: true } : {}),
  }
  if (kind === 'cluster') {
    if (path !== '' && path !== '/')
      throw invalidUrl(display, 'a cluster has one database: the URL takes no path')
    if (query !== '') throw invalidUrl(display, 'query parameters are not supported on redis+cluster:// URLs')
    return { cluster: nodes, ...credentials }
  }
  const [name = '', db, ...extra] = path.replace(/^\//, '').split('/')
  if (name === '' || extra.length > 0) {
    throw invalidUrl(
      display,
      'a Sentinel URL ends with /name or /name/db (the primary the sentinels monitor)',
    )
  }
  const target: SentinelTarget = { sentinels: nodes, name: decodeUrlPart(name, display), ...credentials }
  if (db !== undefined && db !== '') {
    if (!/^\d{1,9}$/.test(db)) throw invalidUrl(display, `database "${db}" is not a whole number`)
    target.db = Number(db)
  }
  const parameters = new URLSearchParams(query)
  for (const key of parameters.keys()) {
    if (key !== 'sentinelPassword') throw invalidUrl(display, `unknown query parameter "${key}"`)
  }
  const sentinelPassword = parameters.get('sentinelPassword')
  if (sentinelPassword !== null) target.sentinelPassword = sentinelPassword
  return target
}

/** The user info runs to the last `@`, as redactUrl takes it, so a password with `/` or `,` stays whole. */
function split(rest: string): { userInfo: string; hosts: string; path: string; query: string } {
  const at = rest.lastIndexOf('@')
  const userInfo = at === -1 ? '' : rest.slice(0, at)
  const afterUser = rest.slice(at + 1).replace(/#.*$/, '')
  const queryStart = afterUser.indexOf('?')
  const beforeQuery = queryStart === -1 ? afterUser : afterUser.slice(0, queryStart)
  const pathStart = beforeQuery.indexOf('/')
  return {
    userInfo,
    hosts: pathStart === -1 ? beforeQuery : beforeQuery.slice(0, pathStart),
    path: pathStart === -1 ? '' : beforeQuery.slice(pathStart),
    query: queryStart === -1 ? '' : afterUser.slice(queryStart + 1),
  }
}

function addresses(hosts: string, defaultPort: number, display: string): NodeAddress[] {
  if (hosts === '') throw invalidUrl(display, 'it names no host')
  return hosts.split(',').map(entry => {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(entry.trim())
    if (match === null) throw invalidUrl(display, `"${entry}" is not host:port`)
    const port = match[3] === undefined ? defaultPort : Number(match[3])
    if (port < 1 || port > 65_535) throw invalidUrl(display, `the port of "${entry}" is out of range`)
    return { host: decodeUrlPart(match[1] ?? match[2] ?? '', display), port }
  })
}

function userAndPassword(userInfo: string, display: string): { username?: string; password?: string } {
  if (userInfo === '') return {}
  const colon = userInfo.indexOf(':')
  const username = decodeUrlPart(colon === -1 ? userInfo : userInfo.slice(0, colon), display)
  const password = colon === -1 ? '' : decodeUrlPart(userInfo.slice(colon + 1), display)
  return { ...(username === '' ? {} : { username }), ...(password === '' ? {} : { password }) }
}
