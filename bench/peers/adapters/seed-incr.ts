import { backendPeer } from '../backend-peer.ts'

/** The spec's barrier as celers runs it: INCR, then GET of the state and `count >= total` on the client. */
export const peer = backendPeer(
  'seed-incr',
  'seed-incr',
  "spec's barrier (seed-incr): INCR counter, GET state, count >= total",
)
