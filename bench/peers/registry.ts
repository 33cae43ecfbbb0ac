import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { PeerAdapter } from './adapter.ts'

const adaptersDirectory = new URL('./adapters/', import.meta.url)

/** The order rows appear in: chordlab first, the control last, any other peer in between by id. */
const rank = (peer: PeerAdapter) => (peer.id === 'chordlab' ? 0 : peer.role === 'control' ? 2 : 1)

/** Every peer under adapters/: each file there exports one `peer`. */
export async function loadPeers(): Promise<PeerAdapter[]> {
  const files = readdirSync(fileURLToPath(adaptersDirectory)).filter(name => name.endsWith('.ts'))
  const peers = await Promise.all(
    files.map(async file => {
      const module = (await import(new URL(file, adaptersDirectory).href)) as { peer?: PeerAdapter }
      if (module.peer === undefined) throw new Error(`bench/peers/adapters/${file} exports no peer`)
      return module.peer
    }),
  )
  return peers.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))
}

export async function loadPeer(id: string): Promise<PeerAdapter> {
  const peer = (await loadPeers()).find(candidate => candidate.id === id)
  if (peer === undefined) throw new Error(`no peer named ${id} under bench/peers/adapters`)
  return peer
}
