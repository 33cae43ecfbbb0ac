import type { CompletionRecord } from '../../src/history/chord-check.ts'
import type { ChordSpec, Handoff, PeerAdapter } from './adapter.ts'
import { type ChildRun, forkNodeCompleter, spawnPythonCompleter } from './child-run.ts'
import { deliver, redeliveryPolicy } from './deliver.ts'

/**
 * Completes `slices[i]` from process i, all processes starting together once every one is
 * connected and set up; `beforeStart` runs at that moment (the runner snapshots Redis's counters
 * there, so set-up is not counted). One Node slice runs in this process; several fork one
 * process each. A Python peer always runs one Python process per slice.
 */
export async function completeChord(
  peer: PeerAdapter,
  url: string,
  chord: ChordSpec,
  handoff: Handoff,
  slices: readonly string[][],
  inFlight: number,
  beforeStart: () => Promise<void> = async () => {},
): Promise<CompletionRecord[]> {
  if (peer.runtime === 'node' && slices.length === 1) {
    const deliveries = slices[0] ?? []
    const completer = await peer.openCompleter(url, chord, handoff, deliveries)
    try {
      await beforeStart()
      return await deliver(completer, deliveries, inFlight)
    } finally {
      await completer.close()
    }
  }
  const runs: ChildRun[] = slices.map(deliveries =>
    peer.runtime === 'node'
      ? forkNodeCompleter({ peerId: peer.id, url, chord, handoff, deliveries, inFlight })
      : spawnPythonCompleter(peer.script, {
          redisUrl: url,
          groupId: chord.chordId,
          taskIds: chord.taskIds,
          deliveries,
          redelivery: redeliveryPolicy,
        }),
  )
  try {
    await Promise.all(runs.map(run => run.ready))
    await beforeStart()
    for (const run of runs) run.go()
    return (await Promise.all(runs.map(run => run.done))).flat()
  } finally {
    for (const run of runs) run.stop()
  }
}

/** Deals `deliveries` round-robin into `count` slices, one per process. */
export function sliceDeliveries(deliveries: readonly string[], count: number): string[][] {
  const slices = Array.from({ length: count }, () => [] as string[])
  deliveries.forEach((taskId, index) => {
    slices[index % count]?.push(taskId)
  })
  return slices
}
