import { finishRun, startRun } from '../../src/report/run-results.ts'
import type { RunResults } from '../../src/report/schema.ts'
import { type PeersProfile, peersProfiles } from './profiles.ts'
import { runPeers } from './run-peers.ts'

/** The suite id `chordlab bench --suite` takes for this suite. */
export const peersSuiteId = 'peers'

/**
 * Runs the peers suite with the profile named like the bench's (`quick`, `full`; another name
 * runs `quick`) and adds `sections.peers` to `results`, or, when no other bench suite ran, to a
 * run of its own.
 */
export async function addPeersSection(
  results: RunResults | undefined,
  profileName: string,
  progress: (line: string) => void,
): Promise<RunResults> {
  const profile = peersProfiles[profileName as PeersProfile['name']] ?? peersProfiles.quick
  const started = new Date()
  const run = await runPeers({ profile, progress: line => progress(`peers: ${line}`) })
  const base = results ?? startRun({ suite: 'bench', profile: profile.name, redis: run.redis, now: started })
  return finishRun({ ...base, sections: { ...base.sections, peers: run.section } })
}
