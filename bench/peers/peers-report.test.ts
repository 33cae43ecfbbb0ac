import { describe, expect, test } from 'vitest'
import { peersSection } from '../../src/report/sections/peers.ts'
import type { PeersProfile } from './profiles.ts'
import { runPeers } from './run-peers.ts'

/** Every pass of the runner at a few dozen tasks: this checks the shape, never the speed. */
const tinyProfile: PeersProfile = {
  name: 'quick',
  sequentialTasks: 20,
  throughputTasks: 40,
  inFlight: 4,
  processes: 2,
  duplicateTasks: 40,
  duplicateRate: 0.3,
  faultRun: { tasks: 100, processes: 2, inFlight: 4, seed: 3 },
  memoryTasks: [10, 50],
  seed: 3,
}

describe('a tiny peers run on its own redis-server', () => {
  test('measures every pass and renders a table the report can parse back', { timeout: 60_000 }, async () => {
    const { section } = await runPeers({
      profile: tinyProfile,
      only: ['chordlab', 'seed-incr'],
      faults: false,
    })
    expect(section.rows.map(row => row.id)).toEqual(['chordlab', 'seed-incr'])
    for (const row of section.rows) {
      if (row.status !== 'measured') return expect.fail(`${row.id} was not measured`)
      expect(row.sequential.completions).toBe(20)
      expect(row.processes).toMatchObject({ processes: 2, completions: 40 })
      // One script (chordlab) or INCR + GET (seed-incr): Redis counted the commands, one per round trip or fewer.
      expect(row.sequential.commandsPerCompletion).toBeGreaterThanOrEqual(row.id === 'chordlab' ? 4 : 2)
      expect(row.sequential.roundTripsPerCompletion).toBeCloseTo(row.id === 'chordlab' ? 1 : 2, 0)
      expect(row.memory.map(entry => entry.tasks)).toEqual([10, 50])
    }
    const [chordlab, seedIncr] = section.rows
    if (chordlab?.status !== 'measured' || seedIncr?.status !== 'measured') return expect.fail('not measured')
    expect(chordlab.faults[0]?.verdict).toBe('exact')
    expect(seedIncr.faults[0]?.verdict).not.toBe('exact')
    // The members hash grows with the chord; seed-incr keeps a counter and the state only.
    expect(chordlab.memory[1]?.bytes).toBeGreaterThan(chordlab.memory[0]?.bytes ?? Number.POSITIVE_INFINITY)

    const reparsed = peersSection.parse(JSON.parse(JSON.stringify(section)))
    const markdown = peersSection.markdown(reparsed)
    expect(markdown).toMatch(/^\| chordlab \| .* \| (✅ )?exact \|$/m)
    expect(markdown).toMatch(/^\| seed-incr \| .* \| (❌ )?duplicate-applied \|$/m)
    expect(peersSection.html(reparsed)).toContain('<svg')
  })
})
