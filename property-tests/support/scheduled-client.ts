import type fc from 'fast-check'
import type { RedisClient } from '../../src/backend/connection.ts'
import type { ChordKeys } from '../../src/backend/keys.ts'
import { resendAfterLostReply, routeCommands } from './command-proxy.ts'
import type { InFlight } from './in-flight.ts'
import type { RunTrace } from './trace.ts'

export interface ScheduledClientOptions {
  /** The real connection the commands go out on: one server's, or a cluster's (which routes each by slot). */
  client: RedisClient
  scheduler: fc.Scheduler
  inFlight: InFlight
  trace: RunTrace
  /** Who issues the commands, as the trace names it (`w1 t2`). */
  caller: string
  /** The chord's keys, shown by role (`counter`) rather than by name in the trace. */
  keys: ChordKeys
  /** Send every command twice, as ioredis does after a reset that lost the reply. */
  resend: boolean
}

/**
 * A view of a connection whose barrier commands are each *issued* only when fast-check's scheduler
 * releases them (tools-and-style §3.1, trap 10): the scheduler reorders round trips, not promises
 * that are already settled. A resend is a second, separately scheduled issue of the same command,
 * so other callers' commands can run between the original and the resend.
 */
export function scheduledClient(options: ScheduledClientOptions): RedisClient {
  const { scheduler, inFlight, trace } = options
  const issue = async (
    label: string,
    args: readonly unknown[],
    send: () => Promise<unknown>,
  ): Promise<unknown> => {
    await scheduler.schedule(Promise.resolve(label), label)
    const tick = trace.event(label)
    try {
      const reply = await inFlight.track(send())
      trace.amend(tick, ` -> ${describeReply(reply, options.keys, args)}`)
      return reply
    } catch (error) {
      trace.amend(tick, ` -> error ${error instanceof Error ? error.message : String(error)}`)
      throw error
    }
  }
  return routeCommands(options.client, (command, args, send) => {
    const label = `${options.caller}  ${describeCommand(command, args, options.keys)}`
    if (!options.resend) return issue(label, args, send)
    let sends = 0
    return resendAfterLostReply(command, args, () => {
      sends += 1
      return issue(sends === 1 ? `${label}  (reply lost)` : `${label}  (resent)`, args, send)
    })
  })
}

/** `HGET members " total"`: the command with its keys named by role. */
export function describeCommand(command: string, args: readonly unknown[], keys: ChordKeys): string {
  const roles = new Map<unknown, string>([
    [keys.state, 'state'],
    [keys.counter, 'counter'],
    [keys.members, 'members'],
  ])
  const shown = args.map(arg => {
    const role = roles.get(arg)
    if (role !== undefined) return role
    if (typeof arg === 'string' && /^[\w.:-]+$/.test(arg)) return arg
    return JSON.stringify(arg)
  })
  const name = command === 'chordComplete' ? 'EVALSHA chordComplete' : command.toUpperCase()
  return [name, ...shown].join(' ')
}

/** A reply as the trace shows it; the chord's state document is summarised (it names the run's chord id). */
function describeReply(reply: unknown, keys: ChordKeys, args: readonly unknown[]): string {
  if (args[0] === keys.state && typeof reply === 'string') {
    const total = /"total":(\d+)/.exec(reply)?.[1]
    return `(state JSON, total ${total ?? '?'})`
  }
  return JSON.stringify(reply)
}
