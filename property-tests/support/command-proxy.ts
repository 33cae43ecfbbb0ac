import type { RedisClient } from '../../src/backend/connection.ts'

/**
 * The commands the barriers issue (src/backend/barrier/). The proxies below route exactly these;
 * a barrier that starts using another command fails loudly here instead of bypassing the routing.
 */
export const barrierCommands: ReadonlySet<string> = new Set([
  'get',
  'set',
  'hget',
  'hsetnx',
  'incr',
  'chordComplete',
])

/** Decides how one command reaches Redis; `send` issues it for real (each call issues it once). */
export type CommandRoute = (
  command: string,
  args: readonly unknown[],
  send: () => Promise<unknown>,
) => Promise<unknown>

/**
 * A view of `client` (one server's or a cluster's) whose barrier commands go through `route`;
 * everything else is the client's own.
 */
export function routeCommands<Client extends RedisClient>(client: Client, route: CommandRoute): Client {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      if (typeof property !== 'string' || typeof value !== 'function') return value
      if (!barrierCommands.has(property)) {
        throw new Error(
          `the property harness does not route Redis command "${property}"; add it to barrierCommands`,
        )
      }
      const command = value as (...args: unknown[]) => Promise<unknown>
      return (...args: unknown[]) => route(property, args, () => command.apply(target, args))
    },
  })
}

/**
 * What ioredis does after a connection reset: the command already ran, its reply was lost, and the
 * client sends the very same bytes again once reconnected. The caller sees the second reply only.
 */
export const resendAfterLostReply: CommandRoute = async (_command, _args, send) => {
  await send().catch(() => undefined)
  return send()
}
