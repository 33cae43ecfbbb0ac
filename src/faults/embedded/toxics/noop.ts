import { interrupted, type ToxicStub } from '../stub.ts'
import type { ToxicType } from './toxic.ts'

/** Passes every chunk on unchanged; also what a stub runs when the toxicity roll says "not this connection". */
export const noopToxic: ToxicType = {
  type: 'noop',
  attributeNames: [],
  bufferSize: 0,
  async pipe(stub: ToxicStub) {
    for (;;) {
      const item = await stub.next()
      if (item === interrupted) return
      if (item === null) return stub.close()
      await stub.send(item)
    }
  },
}
