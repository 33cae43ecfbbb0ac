import type { ICreateToxicBody } from 'toxiproxy-node-client'
import type { BarrierName } from '../../src/backend/barrier/index.ts'
import type { ChordProgress } from '../../src/backend/types.ts'
import type { OperationHistory } from '../../src/history/operation-history.ts'
import { type ChordWorkloadResult, runChordWorkload } from './chord-workload.ts'
import { holdFault } from './fault-window.ts'
import { type ProxiedRedis, proxyRedis } from './proxied.ts'
import type { RedisTarget } from './redis-target.ts'
import type { ScenarioContext } from './scenario.ts'

export type Fault = (proxied: ProxiedRedis, history: OperationHistory<ChordProgress>) => Promise<void>

/**
 * One chord run of a scenario: a fresh proxy in front of `target` (so a fault can never leak
 * into the next run), the workers behind it, `fault` injected at `atFraction` of the deliveries.
 */
export async function chordRunThroughProxy(
  context: ScenarioContext,
  target: RedisTarget,
  run: {
    label: string
    barrier: BarrierName
    duplicateRate: number
    /** Toxics present for the whole run, added before the first call. */
    toxics?: ReadonlyArray<ICreateToxicBody<unknown>>
    fault?: Fault
    /** @default 0.3 */
    atFraction?: number
  },
): Promise<ChordWorkloadResult> {
  const { size } = context
  await using proxied = await proxyRedis(context.toxiproxy, target.address(), run.label)
  for (const toxic of run.toxics ?? []) await proxied.proxy.addToxic(toxic)
  const { fault } = run
  context.progress(`${run.label}: ${run.barrier}`)
  // `return await`: the proxy must outlive the run, and `await using` disposes it on return.
  return await runChordWorkload({
    workerUrl: proxied.url(target.url()),
    verifyUrl: target.url(),
    barrier: run.barrier,
    total: size.tasks,
    workers: size.workers,
    duplicateRate: run.duplicateRate,
    seed: context.seed,
    connection: size.connection,
    deadlineMs: size.deadlineMs,
    fault:
      fault === undefined
        ? undefined
        : { atFraction: run.atFraction ?? 0.3, inject: history => fault(proxied, history) },
  })
}

/**
 * A toxic added while completions are in flight, held for the scenario's fault window (or until
 * `hit` sees its effect in the history), then removed.
 */
export function toxicFault<T>(
  toxic: ICreateToxicBody<T>,
  window: { minMs: number; maxMs: number },
  hit?: (history: OperationHistory<ChordProgress>) => boolean,
): Fault {
  return async (proxied, history) => {
    const added = await proxied.proxy.addToxic<T>(toxic)
    try {
      await holdFault({ ...window, until: hit === undefined ? undefined : () => hit(history) })
    } finally {
      await added.remove()
    }
  }
}

/** Whether any call has ended `unknown` yet: the fault took a reply (or a command) away. */
export function someCallUnknown(history: OperationHistory<ChordProgress>): boolean {
  return history.counts().unknown > 0
}
