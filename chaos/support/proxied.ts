import { randomBytes } from 'node:crypto'
import type { Proxy as ToxiproxyProxy } from 'toxiproxy-node-client'
import type { StartedToxiproxy } from '../../src/faults/started-toxiproxy.ts'

/** A Toxiproxy proxy in front of one Redis, and the URL clients use to go through it. */
export interface ProxiedRedis extends AsyncDisposable {
  /** The latest view of the proxy; replace it with what `update` returns. */
  proxy: ToxiproxyProxy
  /** `redisUrl` with its host and port replaced by the proxy's (credentials and db kept). */
  url(redisUrl: string): string
  remove(): Promise<void>
}

/** Creates a proxy (on loopback, any free port) to `upstream` through toxiproxy-node-client only. */
export async function proxyRedis(
  toxiproxy: StartedToxiproxy,
  upstream: string,
  label: string,
): Promise<ProxiedRedis> {
  const proxy = await toxiproxy.client.createProxy({
    name: `chordlab-${label}-${randomBytes(3).toString('hex')}`,
    listen: `${toxiproxy.proxyHost}:0`,
    upstream,
  })
  const port = proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1)
  let removed = false
  const remove = async () => {
    if (removed) return
    removed = true
    await proxied.proxy.remove()
  }
  const proxied: ProxiedRedis = {
    proxy,
    url(redisUrl) {
      const url = new URL(redisUrl)
      url.hostname = toxiproxy.proxyHost.includes(':') ? `[${toxiproxy.proxyHost}]` : toxiproxy.proxyHost
      url.port = port
      return url.toString()
    },
    remove,
    [Symbol.asyncDispose]: remove,
  }
  return proxied
}
