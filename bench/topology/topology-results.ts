import { finishRun, startRun } from '../../src/report/run-results.ts'
import type { RunResults } from '../../src/report/schema.ts'
import { type TopologyProfile, topologyProfiles } from './profiles.ts'
import { runTopology } from './run-topology.ts'

/** What `chordlab bench --topology` takes: `single` is one redis-server (the other suites), `cluster` this sweep. */
export const topologyNames = ['single', 'cluster'] as const
export type TopologyName = (typeof topologyNames)[number]

/**
 * Runs the cluster sweep with the profile named like the bench's (`quick`, `full`; another name
 * runs `quick`) and adds `sections.topology` to `results`, or, when no other bench suite ran, to
 * a run of its own.
 */
export async function addTopologySection(
  results: RunResults | undefined,
  options: { profileName: string; replicasPerPrimary: number; progress: (line: string) => void },
): Promise<RunResults> {
  const profile = topologyProfiles[options.profileName as TopologyProfile['name']] ?? topologyProfiles.quick
  const started = new Date()
  const run = await runTopology({
    profile,
    replicasPerPrimary: options.replicasPerPrimary,
    progress: line => options.progress(`topology: ${line}`),
  })
  const base = results ?? startRun({ suite: 'bench', profile: profile.name, redis: run.redis, now: started })
  return finishRun({ ...base, sections: { ...base.sections, topology: run.section } })
}
