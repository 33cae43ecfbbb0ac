import { interrupted } from '../stub.ts'
import { attribute, type ToxicType } from './toxic.ts'

const sliceIntervalMs = 100

/**
 * Passes `rate` KB/s, where a KB is 1000 bytes (Go sleeps len/rate ms per chunk). A chunk larger
 * than 100 ms worth of data goes out in `rate * 100`-byte pieces, one every 100 ms; the sleep
 * debt carries over from chunk to chunk.
 *
 * `rate <= 0`: the real server then never delivers a byte (0) or crashes (negative); here the
 * chunk is held until the toxic is removed or changed, which is what a client sees of rate 0.
 */
export const bandwidthToxic: ToxicType = {
  type: 'bandwidth',
  attributeNames: ['rate'],
  bufferSize: 0,
  async pipe(stub, attributes) {
    let debtMs = 0
    for (;;) {
      const chunk = await stub.next()
      if (chunk === interrupted) return
      if (chunk === null) return stub.close()
      const rate = attribute(attributes, 'rate')
      if (rate <= 0) {
        await stub.sleep(Number.POSITIVE_INFINITY)
        await stub.send(chunk)
        return
      }
      debtMs += chunk.data.length / rate
      let rest = chunk.data
      // 1. Pieces of 100 ms worth, one per 100 ms.
      while (rest.length > rate * 100) {
        if ((await stub.sleep(sliceIntervalMs)) === interrupted) {
          await stub.send({ data: rest, timestamp: chunk.timestamp })
          return
        }
        await stub.send({ data: rest.subarray(0, rate * 100), timestamp: chunk.timestamp })
        rest = rest.subarray(rate * 100)
        debtMs -= sliceIntervalMs
      }
      // 2. The remainder after the rest of the debt; timer overshoot is paid back next time.
      const started = performance.now()
      const slept = await stub.sleep(debtMs)
      debtMs -= performance.now() - started
      await stub.send({ data: rest, timestamp: chunk.timestamp })
      if (slept === interrupted) return
    }
  },
}
