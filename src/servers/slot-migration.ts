import type { ClusterMember } from './redis-cluster.ts'
import type { StartedRedisServer } from './redis-server.ts'

const keysPerMigrate = 100
const migrateTimeoutMs = 5_000
/** Bounds the key-moving loop: a slot holds at most this many keys here. */
const maxMigrateRounds = 10_000

/**
 * One slot moving from its primary to another, step by step as `redis-cli --cluster reshard` does
 * it, so a test can act between the steps:
 * 1. begin: the target marks the slot IMPORTING, the source MIGRATING. Keys still on the source are
 *    served there; a key already moved (or absent) gets an `ASK` redirection to the target.
 * 2. moveKeys: MIGRATE the slot's keys in batches.
 * 3. finish: every primary learns the target owns the slot; clients still asking the source get `MOVED`.
 */
export class SlotMigration {
  readonly slot: number
  readonly source: StartedRedisServer
  readonly target: StartedRedisServer
  readonly #targetId: string
  readonly #primaries: readonly StartedRedisServer[]
  readonly #password: string | undefined

  private constructor(
    slot: number,
    source: ClusterMember,
    target: ClusterMember,
    primaries: readonly StartedRedisServer[],
    password: string | undefined,
  ) {
    this.slot = slot
    this.source = source.server
    this.target = target.server
    this.#targetId = target.id
    this.#primaries = primaries
    this.#password = password
  }

  /** @internal Use StartedRedisCluster.beginSlotMigration(). */
  static async begin(
    members: readonly ClusterMember[],
    slot: number,
    target: StartedRedisServer,
    password: string | undefined,
  ): Promise<SlotMigration> {
    const primaries = members.filter(member => member.role === 'primary' && member.server.running)
    const source = primaries.find(member =>
      member.slots.some(([first, last]) => first <= slot && slot <= last),
    )
    const destination = primaries.find(member => member.server === target)
    if (source === undefined) throw new Error(`no running primary serves slot ${slot}`)
    if (destination === undefined) throw new Error(`${target.address} is not a running primary`)
    if (source === destination) throw new Error(`slot ${slot} is already served by ${target.address}`)
    await destination.server.withAdminClient(client =>
      client.cluster('SETSLOT', slot, 'IMPORTING', source.id),
    )
    await source.server.withAdminClient(client =>
      client.cluster('SETSLOT', slot, 'MIGRATING', destination.id),
    )
    const servers = primaries.map(member => member.server)
    return new SlotMigration(slot, source, destination, servers, password)
  }

  /** MIGRATEs up to `limit` keys of the slot (all by default) to the target; returns how many moved. */
  async moveKeys(limit = Number.POSITIVE_INFINITY): Promise<number> {
    let moved = 0
    for (let round = 0; round < maxMigrateRounds && moved < limit; round++) {
      const batch = Math.min(keysPerMigrate, limit - moved)
      const keys = await this.source.withAdminClient(client =>
        client.cluster('GETKEYSINSLOT', this.slot, batch),
      )
      if (keys.length === 0) break
      const auth = this.#password === undefined ? [] : ['AUTH', this.#password]
      await this.source.withAdminClient(client =>
        client.call(
          'MIGRATE',
          this.target.host,
          this.target.port,
          '',
          0,
          migrateTimeoutMs,
          ...auth,
          'KEYS',
          ...keys,
        ),
      )
      moved += keys.length
    }
    return moved
  }

  /** Moves any keys left, then assigns the slot to the target on the target, the source and every other primary. */
  async finish(): Promise<void> {
    await this.moveKeys()
    const others = this.#primaries.filter(server => server !== this.source && server !== this.target)
    for (const server of [this.target, this.source, ...others]) {
      await server.withAdminClient(client => client.cluster('SETSLOT', this.slot, 'NODE', this.#targetId))
    }
  }
}
