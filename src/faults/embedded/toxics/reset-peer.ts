import { setTimeout as delay } from 'node:timers/promises'
import { interrupted } from '../stub.ts'
import { attribute, type ToxicType } from './toxic.ts'

/**
 * Waits for the first chunk (or EOF) in its direction, drops it, waits `timeout` ms (not
 * interruptible, as in Go) and closes. A connection that was opened while the toxic was present
 * closes with RST on both sides (ECONNRESET); one it was added to later closes with FIN. An idle
 * connection is never reset.
 */
export const resetPeerToxic: ToxicType = {
  type: 'reset_peer',
  attributeNames: ['timeout'],
  bufferSize: 0,
  resetsPeer: true,
  async pipe(stub, attributes) {
    const first = await stub.next()
    if (first === interrupted) return
    await delay(Math.max(0, attribute(attributes, 'timeout')))
    stub.close()
  },
}
