import { interrupted, timedOut } from '../stub.ts'
import { attribute, type ToxicType } from './toxic.ts'

/**
 * Drops every byte. With `timeout > 0` the connection is closed once no data has arrived for
 * `timeout` ms (each dropped chunk restarts the clock); with 0 it stays open, silent. Removing the
 * toxic closes the connections it held (`cleanup`), as the real server does since PR #168.
 */
export const timeoutToxic: ToxicType = {
  type: 'timeout',
  attributeNames: ['timeout'],
  bufferSize: 0,
  async pipe(stub, attributes) {
    const timeoutMs = attribute(attributes, 'timeout')
    for (;;) {
      const chunk = timeoutMs > 0 ? await stub.nextWithin(timeoutMs) : await stub.next()
      if (chunk === interrupted) return
      if (chunk === null || chunk === timedOut) return stub.close()
      // The chunk is dropped on the floor.
    }
  },
  cleanup(stub) {
    stub.close()
  },
}
