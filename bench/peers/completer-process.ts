/**
 * A forked process that completes its share of a chord through one peer (child-run.ts starts it):
 * the job request connects and answers once ready; the go request delivers and answers with what
 * every call returned.
 */
import type { CompletionRecord } from '../../src/history/chord-check.ts'
import { serveRequests } from '../support/forked-worker.ts'
import type { Completer } from './adapter.ts'
import type { CompletionJob, ToCompleter } from './child-run.ts'
import { deliver } from './deliver.ts'
import { loadPeer } from './registry.ts'

let opened: { job: CompletionJob; completer: Completer } | undefined

serveRequests<ToCompleter>(async (request): Promise<CompletionRecord[] | null> => {
  if (request.type === 'job') {
    const { job } = request
    const peer = await loadPeer(job.peerId)
    if (peer.runtime !== 'node') throw new Error(`${job.peerId} does not run in Node`)
    opened = { job, completer: await peer.openCompleter(job.url, job.chord, job.handoff, job.deliveries) }
    return null
  }
  if (opened === undefined) throw new Error('go before the job')
  const { job, completer } = opened
  const records = await deliver(completer, job.deliveries, job.inFlight)
  await completer.close()
  return records
})
