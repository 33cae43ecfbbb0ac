import { interrupted } from '../stub.ts'
import { attribute, type ToxicType } from './toxic.ts'

/**
 * Data passes untouched; when this direction's source closes, the close is passed on `delay` ms
 * later. Interrupted during that wait, it returns without closing: the input is closed for good,
 * so the restarted toxic sees the EOF again (Go's closed channels behave the same way).
 */
export const slowCloseToxic: ToxicType = {
  type: 'slow_close',
  attributeNames: ['delay'],
  bufferSize: 0,
  async pipe(stub, attributes) {
    for (;;) {
      const chunk = await stub.next()
      if (chunk === interrupted) return
      if (chunk === null) {
        if ((await stub.sleep(attribute(attributes, 'delay'))) === interrupted) return
        return stub.close()
      }
      await stub.send(chunk)
    }
  },
}
