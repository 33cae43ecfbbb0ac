/**
 * A forked process that completes its share of a chord through one peer (child-run.ts starts it):
 * it connects, says ready, waits for go, delivers, and sends back what every call returned.
 */
import type { ToCompleter } from './child-run.ts'
import { deliver } from './deliver.ts'
import { loadPeer } from './registry.ts'

const send = (message: unknown) => process.send?.(message)

process.on('disconnect', () => process.exit(0))
process.once('message', async (message: ToCompleter) => {
  if (message.type !== 'job') return
  const { job } = message
  try {
    const peer = await loadPeer(job.peerId)
    if (peer.runtime !== 'node') throw new Error(`${job.peerId} does not run in Node`)
    const completer = await peer.openCompleter(job.url, job.chord, job.handoff, job.deliveries)
    const go = new Promise<void>(resolve => process.once('message', () => resolve()))
    send({ type: 'ready' })
    await go
    const records = await deliver(completer, job.deliveries, job.inFlight)
    await completer.close()
    send({ type: 'done', records })
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  }
})
