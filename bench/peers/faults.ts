import { setTimeout as sleep } from 'node:timers/promises'
import { startToxiproxy } from '../../src/faults/index.ts'
import type { PeerExactness } from '../../src/report/sections/peers.ts'
import { type PersistenceProfile, RedisServer } from '../../src/servers/index.ts'
import { monotonicMs } from '../support/monotonic-clock.ts'
import type { PeerAdapter } from './adapter.ts'
import { type JudgeOptions, judgeChord } from './exactness.ts'

/** The chord of a fault run: big enough to outlast the fault's start, small enough to stay quick. */
export interface FaultRunSize {
  tasks: number
  processes: number
  inFlight: number
  seed: number
}

/** Completions flow this long before the fault begins. */
const warmUpMs = 40
/** Each reset window: every connection through the proxy is reset while it lasts. */
const resetWindows = 3
const resetWindowMs = 120
const betweenResetsMs = 80

/**
 * Connection resets while completions are in flight: the completing processes go through a
 * Toxiproxy (src/faults: TOXIPROXY_URL, a binary, Docker, or the embedded server), and a
 * downstream `reset_peer` toxic (timeout 0) is held for a few short windows. Redis applies a
 * command and its reply is lost with the connection, so clients resend it (ioredis resends every
 * in-flight command after a reconnect) and workers redeliver calls that ended unknown.
 */
export async function judgeResets(
  peer: PeerAdapter,
  redisUrl: string,
  size: FaultRunSize,
): Promise<PeerExactness> {
  await using toxiproxy = await startToxiproxy()
  const upstream = new URL(redisUrl)
  const proxy = await toxiproxy.client.createProxy({
    name: `chordlab-peers-${peer.id}-${process.pid}`,
    listen: `${toxiproxy.proxyHost}:0`,
    upstream: `${upstream.hostname}:${upstream.port}`,
  })
  try {
    const completerUrl = new URL(redisUrl)
    completerUrl.port = proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1)
    return await judgeChord(peer, redisUrl, {
      ...options('connection resets', size),
      injected: {
        completerUrl: completerUrl.toString(),
        async inject() {
          await sleep(warmUpMs)
          const began = monotonicMs()
          for (let window = 0; window < resetWindows; window += 1) {
            const toxic = await proxy.addToxic({
              name: 'peers_reset',
              type: 'reset_peer',
              stream: 'downstream',
              toxicity: 1,
              attributes: { timeout: 0 },
            })
            await sleep(resetWindowMs)
            await toxic.remove()
            await sleep(betweenResetsMs)
          }
          return began
        },
      },
    })
  } finally {
    await proxy.remove()
  }
}

/**
 * Redis SIGKILLed while completions are in flight and started again on the same port and
 * directory, under `aof-always` (every write fsynced before it is acknowledged): an acknowledged
 * completion must survive, and the clients reconnect and carry on. Under `none` the chord is
 * lost, which the checker must catch (the tests run it so).
 */
export async function judgeRestart(
  peer: PeerAdapter,
  size: FaultRunSize,
  persistence: PersistenceProfile = 'aof-always',
): Promise<PeerExactness> {
  await using redis = await new RedisServer({ profile: persistence }).start()
  // `return await`: the server must outlive the run, and `await using` disposes it on return.
  return await judgeChord(peer, redis.url(), {
    ...options(`SIGKILL + restart (${persistence})`, size),
    injected: {
      completerUrl: redis.url(),
      async inject() {
        await sleep(warmUpMs)
        const began = monotonicMs()
        await redis.restart({ graceful: false })
        return began
      },
    },
  })
}

function options(fault: string, size: FaultRunSize): JudgeOptions {
  return { fault, duplicateRate: 0, ...size }
}
