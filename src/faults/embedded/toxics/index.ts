import { bandwidthToxic } from './bandwidth.ts'
import { latencyToxic } from './latency.ts'
import { limitDataToxic } from './limit-data.ts'
import { noopToxic } from './noop.ts'
import { resetPeerToxic } from './reset-peer.ts'
import { slicerToxic } from './slicer.ts'
import { slowCloseToxic } from './slow-close.ts'
import { timeoutToxic } from './timeout.ts'
import type { ToxicType } from './toxic.ts'

/** Every type the API accepts, as the real server registers them (`noop` included; `down` is not a toxic). */
export const toxicTypes: ReadonlyMap<string, ToxicType> = new Map(
  [
    noopToxic,
    latencyToxic,
    bandwidthToxic,
    slowCloseToxic,
    timeoutToxic,
    resetPeerToxic,
    slicerToxic,
    limitDataToxic,
  ].map(toxic => [toxic.type, toxic]),
)

export type { ToxicAttributes, ToxicType } from './toxic.ts'
export { noopToxic }
