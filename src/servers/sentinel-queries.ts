import type { LaunchedServer } from './launched-server.ts'

/** The port of the primary `sentinel` names for `name` (SENTINEL GET-MASTER-ADDR-BY-NAME). */
export async function primaryAddress(sentinel: LaunchedServer, name: string): Promise<number> {
  const reply = await sentinel.withAdminClient(client =>
    client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name),
  )
  const port = Array.isArray(reply) ? Number(reply[1]) : Number.NaN
  if (!Number.isInteger(port)) throw new Error(`sentinel ${sentinel.address} knows no primary named ${name}`)
  return port
}

/** What one sentinel knows about the primary it watches (SENTINEL MASTER). */
export interface SentinelMasterState {
  /** `master` when all is well; `s_down`, `o_down`, `failover_in_progress` are added as they apply. */
  flags: string
  /** Replicas it knows of (`num-slaves`). */
  replicas: number
  /** Other sentinels it has heard from (`num-other-sentinels`). */
  otherSentinels: number
}

export async function sentinelMasterState(
  sentinel: LaunchedServer,
  name: string,
): Promise<SentinelMasterState> {
  const reply = await sentinel.withAdminClient(client => client.call('SENTINEL', 'MASTER', name))
  const fields = new Map<string, string>()
  if (Array.isArray(reply)) {
    for (let index = 0; index + 1 < reply.length; index += 2)
      fields.set(String(reply[index]), String(reply[index + 1]))
  }
  return {
    flags: fields.get('flags') ?? 'unknown',
    replicas: Number(fields.get('num-slaves') ?? 0),
    otherSentinels: Number(fields.get('num-other-sentinels') ?? 0),
  }
}

/** A data node's own word on its role (ROLE). */
export interface ReplicationRole {
  role: 'master' | 'slave' | 'sentinel'
  /** The port of the primary a replica follows. */
  primaryPort: number | undefined
  /** A replica's link state: `connect`, `connecting`, `sync` or `connected`. */
  state: string | undefined
}

export async function replicationRole(server: LaunchedServer): Promise<ReplicationRole> {
  const reply = await server.withAdminClient(client => client.role())
  const [role, , primaryPort, state] = reply as unknown[]
  if (role !== 'master' && role !== 'slave' && role !== 'sentinel') {
    throw new Error(`${server.address} answered ROLE with ${JSON.stringify(role)}`)
  }
  return role === 'slave'
    ? { role, primaryPort: Number(primaryPort), state: String(state) }
    : { role, primaryPort: undefined, state: undefined }
}
