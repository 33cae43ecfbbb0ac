import { interrupted } from '../stub.ts'
import { attribute, type ToxicType } from './toxic.ts'

interface LimitDataState {
  transmitted: number
}

/**
 * Passes the first `bytes` bytes of the connection's direction, cutting the chunk that crosses
 * the limit, then closes. The count lives in per-connection state, so it survives an update of
 * the toxic; `bytes = 0` closes on the first chunk.
 */
export const limitDataToxic: ToxicType = {
  type: 'limit_data',
  attributeNames: ['bytes'],
  bufferSize: 0,
  newState: (): LimitDataState => ({ transmitted: 0 }),
  async pipe(stub, attributes) {
    const state = stub.state as LimitDataState
    for (;;) {
      const chunk = await stub.next()
      if (chunk === interrupted) return
      if (chunk === null) return stub.close()
      const remaining = Math.max(0, attribute(attributes, 'bytes') - state.transmitted)
      const data = chunk.data.length > remaining ? chunk.data.subarray(0, remaining) : chunk.data
      if (data.length > 0) {
        await stub.send({ data, timestamp: chunk.timestamp })
        state.transmitted += data.length
      }
      if (attribute(attributes, 'bytes') - state.transmitted <= 0) return stub.close()
    }
  },
}
