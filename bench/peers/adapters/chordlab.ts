import { backendPeer } from '../backend-peer.ts'

/** chordlab's reference barrier: one Lua script, idempotent per task id (src/backend/lua/chordComplete-2.lua). */
export const peer = backendPeer(
  'chordlab',
  'reference',
  'chordlab reference: RedisResultBackend.chordCompleteTask (one EVALSHA)',
)
