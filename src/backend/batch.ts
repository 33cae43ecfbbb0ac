import { Cluster } from 'ioredis'
import type { RedisClient } from './connection.ts'
import { keySlot } from './key-slot.ts'

/** One command: its name and arguments, as `client.call()` takes them. */
export type CommandCall = [name: string, ...args: Array<string | number>]

/** Commands that must run on the node serving `key` (e.g. a SET, then a PUBLISH of the same document). */
export interface BatchItem {
  key: string
  commands: readonly CommandCall[]
}

/** One reply per command, like a pipeline's: the error or the value. */
export type Reply = [error: Error | null, value: unknown]

/** Replies a cluster node gives for a key it no longer (or not yet) serves; sent again on their own, ioredis follows them. */
const redirection = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /
/** ioredis refuses a pipeline whose keys the slot map (updated since it was grouped) puts on several nodes. */
const splitPipeline = /same slot|same slots allocation group/

/**
 * Runs many keyed commands with one pipeline per node, and returns the replies of each item in
 * order. On one server (or a Sentinel group's primary) that is one pipeline. On a cluster the
 * items are grouped by the node their key's slot maps to, so no pipeline spans nodes and no
 * command sees CROSSSLOT; a command answered with a redirection (a slot moved meanwhile) is sent
 * again on its own, and ioredis follows MOVED and ASK for it.
 */
export async function runBatch(client: RedisClient, items: readonly BatchItem[]): Promise<Reply[][]> {
  if (items.length === 0) return []
  if (!(client instanceof Cluster)) return splitReplies(items, await execPipeline(client, items))
  // The slot map loads with the first connection; a keyless command waits for it.
  if (client.status !== 'ready') await client.ping()
  const groups = new Map<string, number[]>()
  items.forEach((item, index) => {
    const node = client.slots[keySlot(item.key)]?.join(';') ?? 'unmapped'
    const group = groups.get(node)
    if (group === undefined) groups.set(node, [index])
    else group.push(index)
  })
  const replies: Reply[][] = new Array(items.length)
  await Promise.all(
    [...groups.values()].map(async indexes => {
      const group = indexes.map(index => items[index] as BatchItem)
      const groupReplies = await runClusterGroup(client, group)
      indexes.forEach((index, position) => {
        replies[index] = groupReplies[position] ?? []
      })
    }),
  )
  return replies
}

/**
 * GETs `keys` in one round trip, one reply per key in order: MGETs of up to `chunkSize` keys in
 * one pipeline on one server; on a cluster, where an MGET across slots is CROSSSLOT, GETs in one
 * pipeline per node.
 */
export async function getMany(
  client: RedisClient,
  keys: readonly string[],
  chunkSize: number,
): Promise<Reply[]> {
  if (client instanceof Cluster) {
    const items = keys.map((key): BatchItem => ({ key, commands: [['get', key]] }))
    return (await runBatch(client, items)).flat()
  }
  const chunks: string[][] = []
  for (let start = 0; start < keys.length; start += chunkSize)
    chunks.push(keys.slice(start, start + chunkSize))
  const items = chunks.map((chunk): BatchItem => ({ key: chunk[0] ?? '', commands: [['mget', ...chunk]] }))
  const replies = (await runBatch(client, items)).flat()
  return chunks.flatMap((chunk, index) => {
    const [error, values] = replies[index] ?? [new Error('MGET returned no reply'), null]
    return chunk.map(
      (_key, position): Reply => (error === null ? [null, (values as unknown[])[position]] : [error, null]),
    )
  })
}

async function runClusterGroup(client: Cluster, group: readonly BatchItem[]): Promise<Reply[][]> {
  const replies = await execPipeline(client, group).then(
    flat => splitReplies(group, flat),
    (error: unknown) => {
      // The whole group is sent again command by command.
      if (error instanceof Error && splitPipeline.test(error.message)) return undefined
      throw error
    },
  )
  return Promise.all(
    group.map((item, itemIndex) =>
      Promise.all(
        item.commands.map(async (command, commandIndex): Promise<Reply> => {
          const reply = replies?.[itemIndex]?.[commandIndex]
          if (reply !== undefined && !(reply[0] !== null && redirection.test(reply[0].message))) return reply
          try {
            return [null, await client.call(...command)]
          } catch (error) {
            return [error instanceof Error ? error : new Error(String(error)), null]
          }
        }),
      ),
    ),
  )
}

async function execPipeline(client: RedisClient, items: readonly BatchItem[]): Promise<Reply[]> {
  const pipeline = client.pipeline()
  for (const item of items) for (const command of item.commands) pipeline.call(...command)
  return (await pipeline.exec()) ?? []
}

function splitReplies(items: readonly BatchItem[], flat: readonly Reply[]): Reply[][] {
  let next = 0
  return items.map(item =>
    item.commands.map(() => {
      const reply = flat[next] ?? [new Error('the pipeline returned fewer replies than commands'), null]
      next += 1
      return reply
    }),
  )
}
