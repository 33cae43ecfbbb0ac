import { randomBytes } from 'node:crypto'
import type { ChordBarrier } from './chord-barrier.ts'

// Each call carries a token unique to it, so the script can tell a transport resend of a call
// (same token) from a second delivery of the same task (new token). See lua/chordComplete-2.lua.
const processNonce = randomBytes(6).toString('hex')
let callSequence = 0

/** The exact barrier: one server-side script, idempotent per task id, one `isLast` per chord. */
export const referenceBarrier: ChordBarrier = {
  name: 'reference',
  exact: true,
  async complete(client, keys, taskId) {
    callSequence += 1
    const token = `${processNonce}-${callSequence.toString(36)}`
    const [completed, total, isLast, counted] = await client.chordComplete(
      keys.counter,
      keys.members,
      taskId,
      token,
    )
    return { completed, total, isLast: isLast === 1, counted: counted === 1 }
  },
}
