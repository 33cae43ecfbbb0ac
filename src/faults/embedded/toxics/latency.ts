import { interrupted } from '../stub.ts'
import { attribute, type ToxicType } from './toxic.ts'

/**
 * Delays each chunk by `latency` ± `jitter` ms (a uniform draw in [-jitter, +jitter)), counted
 * from when the proxy read it, so pipelined chunks are not delayed one after another. Order is
 * kept; an interrupt sends the waiting chunk at once rather than dropping it.
 */
export const latencyToxic: ToxicType = {
  type: 'latency',
  attributeNames: ['latency', 'jitter'],
  bufferSize: 1024,
  async pipe(stub, attributes, random) {
    for (;;) {
      const chunk = await stub.next()
      if (chunk === interrupted) return
      if (chunk === null) return stub.close()
      const jitter = attribute(attributes, 'jitter')
      const offset = jitter > 0 ? Math.floor(random() * 2 * jitter) - jitter : 0
      const delay = attribute(attributes, 'latency') + offset
      const wait = delay - (performance.now() - chunk.timestamp)
      const slept = await stub.sleep(wait)
      // Like Go, a later latency toxic in the chain measures from when this one released the chunk.
      await stub.send({ data: chunk.data, timestamp: chunk.timestamp + Math.max(wait, 0) })
      if (slept === interrupted) return
    }
  },
}
