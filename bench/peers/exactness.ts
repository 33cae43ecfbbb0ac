import { checkChordHistory } from '../../src/history/chord-check.ts'
import type { PeerExactness } from '../../src/report/sections/peers.ts'
import { plannedDeliveries } from '../../src/workloads/chord-race.ts'
import { seededRandom } from '../../src/workloads/random.ts'
import type { PeerAdapter } from './adapter.ts'
import { freshChord } from './chord-id.ts'
import { completeChord, sliceDeliveries } from './complete-chord.ts'

/** A fault injected while the completions run. */
export interface InjectedFault {
  /** Where the completing processes connect (a proxy in front of Redis). */
  completerUrl: string
  /**
   * Starts once every process is connected; resolves when the fault is over (and Redis is back)
   * with the moment (monotonicMs) the fault began.
   */
  inject(): Promise<number>
}

export interface JudgeOptions {
  /** The column this verdict goes in, e.g. `30% duplicates`. */
  fault: string
  tasks: number
  /** Share of tasks delivered 2 or 3 times (0: each exactly once). */
  duplicateRate: number
  /** Seeds the delivery order and which tasks repeat. */
  seed: number
  processes: number
  inFlight: number
  /** @default none: the completers connect to `url` directly */
  injected?: InjectedFault
}

/**
 * One chord completed through `peer` (the delivery workload of src/workloads/chord-race.ts, calls
 * that end unknown redelivered), with a fault injected meanwhile if one is given, judged by the
 * history checker from what the callers were told and what Redis holds at the end. `url` is Redis
 * itself: set-up and the final read never go through the fault.
 */
export async function judgeChord(
  peer: PeerAdapter,
  url: string,
  options: JudgeOptions,
): Promise<PeerExactness> {
  const chord = freshChord('judge', options.tasks)
  const deliveries = plannedDeliveries(options.tasks, options.duplicateRate, seededRandom(options.seed))
  const handoff = await peer.createChord(url, chord)
  try {
    const slices = sliceDeliveries(deliveries, options.processes)
    let fault: Promise<number> | undefined
    const completing = completeChord(
      peer,
      options.injected?.completerUrl ?? url,
      chord,
      handoff,
      slices,
      options.inFlight,
      async () => {
        const { injected } = options
        if (injected === undefined) return
        // The fault runs beside the completions; it resolves with the moment it began.
        fault = injected.inject()
      },
    )
    // Both end before anything is read or torn down, whichever fails first.
    const [completed, faultOutcome] = await Promise.allSettled([
      completing,
      completing.then(
        () => fault,
        () => fault,
      ),
    ])
    if (completed.status === 'rejected') throw completed.reason
    if (faultOutcome.status === 'rejected') throw faultOutcome.reason
    const records = completed.value
    const faultBegan = faultOutcome.value
    const settled = await peer.settle(url, chord, handoff, records)
    const check = checkChordHistory(options.tasks, settled.records, settled.final)
    return {
      fault: options.fault,
      total: options.tasks,
      deliveries: deliveries.length,
      calls: records.length,
      verdict: check.verdict,
      violations: check.violations.map(violation => `${violation.kind}: ${violation.detail}`),
      neverFiredReason: check.neverFiredReason,
      firedCount: check.firedCount,
      unacknowledged: records.filter(record => record.outcome !== 'ok').length,
      // The fault hit the run when calls were still going on after it began.
      faultHit:
        faultBegan === undefined
          ? deliveries.length > options.tasks
          : records.some(record => record.startedAt < faultBegan) &&
            records.some(record => record.endedAt > faultBegan),
    }
  } finally {
    await peer.deleteChord(url, chord, handoff)
  }
}
