import { sweepLeftoverServers } from '../src/servers/index.ts'

// A test worker that crashes or is killed cannot stop its redis-servers, and its exit handler
// never runs; sweeping before and after the run keeps such servers from piling up.

export async function setup(): Promise<void> {
  await sweep('before the tests')
}

export async function teardown(): Promise<void> {
  await sweep('after the tests')
}

async function sweep(when: string): Promise<void> {
  const killed = await sweepLeftoverServers()
  if (killed > 0) console.warn(`chordlab: killed ${killed} leftover redis-server process(es) ${when}`)
}
