import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startRun } from '../src/report/run-results.ts'
import type { SectionRenderer } from '../src/report/section.ts'
import { type ChaosSection, chaosSection, chaosSectionVersion } from '../src/report/sections/chaos.ts'
import { writeReport } from '../src/report/write-report.ts'
import { chaosLimits } from './run-chaos.ts'

const section: ChaosSection = {
  version: chaosSectionVersion,
  profile: 'quick',
  toxiproxy: {
    kind: 'embedded',
    description: 'embedded Toxiproxy-compatible server',
    skipped: [
      { kind: 'docker', reason: 'no Docker engine (Could not find a working container runtime strategy)' },
    ],
  },
  redis: { description: 'local Redis 7.0.15', notes: [] },
  scenarios: [
    {
      id: 'reply-loss',
      title: 'Replies lost <after> Redis applied the command',
      description: 'A downstream reset_peer toxic.',
      status: 'passed',
      skipReason: null,
      durationMs: 1_234,
      measurements: [],
      expectations: [
        { id: 'seed-incr-over-counts', statement: 'seed-incr over-counts', met: true, detail: '312 for 300' },
      ],
      runs: [
        {
          fault: 'downstream reset_peer 0',
          barrier: 'seed-incr',
          verdict: 'duplicate-applied',
          consistent: false,
          neverFiredReason: null,
          violations: [{ kind: 'duplicate-applied', detail: 'Redis counts 312 for 300 distinct tasks' }],
          total: 300,
          finalCount: 312,
          chordExists: true,
          firedCount: 13,
          acknowledged: 300,
          unknown: 0,
          acknowledgedLost: 0,
          operations: { ok: 300, fail: 0, unknown: 8 },
          errorKinds: { Connection: 8 },
          hung: 0,
          callsDuringFault: 9,
          faultError: null,
          durationMs: 942,
          medianLatencyMs: 3.9,
        },
      ],
    },
  ],
  persistence: [
    {
      profile: 'none',
      fault: 'SIGKILL',
      acknowledged: 45,
      acknowledgedLost: 45,
      outcome: 'lost-acknowledged',
      chordExists: false,
      downtimeMs: 278,
    },
  ],
  limits: [...chaosLimits],
}

describe('the chaos report section', () => {
  it('survives a round trip through results.json', () => {
    expect(chaosSection.parse(JSON.parse(JSON.stringify(section)))).toEqual(section)
    expect(() => chaosSection.parse({ ...section, version: 'chordlab.chaos/v0' })).toThrow(/version/)
    expect(() => chaosSection.parse({ ...section, scenarios: [{ id: 1 }] })).toThrow(/scenario 0/)
  })

  it('writes the persistence table, the findings and, plainly, what a process kill cannot show', () => {
    const markdown = chaosSection.markdown(section)
    expect(markdown).toContain('| none | SIGKILL | 45 | ❌ 45 | lost-acknowledged (chord gone) | 278 |')
    expect(markdown).toContain('seed-incr: duplicate-applied: Redis counts 312 for 300 distinct tasks')
    expect(markdown).toContain('passed over: docker: no Docker engine')
    expect(markdown).toMatch(/always, everysec and no differ only when the machine\s+itself goes down/)
  })

  it('draws the persistence charts in the HTML page and escapes what it prints', async () => {
    const html = chaosSection.html(section)
    expect(html).toContain('Acknowledged completions lost (reference barrier)')
    expect(html).toContain('Time until Redis answered again')
    expect(html.match(/<svg /g)).toHaveLength(2)
    expect(html).toContain('Replies lost &lt;after&gt; Redis')

    const dir = await mkdtemp(path.join(tmpdir(), 'chordlab-chaos-report-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const results = startRun({
      suite: 'chaos',
      profile: 'quick',
      redis: { version: '7.0.15', source: 'started', persistence: 'per scenario', url: 'local' },
    })
    results.sections.chaos = section
    const written = writeReport(dir, results, [chaosSection as unknown as SectionRenderer<never>])
    expect(await readFile(written.summaryFile, 'utf8')).toContain('## Chaos scenarios')
    expect(JSON.parse(await readFile(written.resultsFile, 'utf8')).sections.chaos).toEqual(section)
  })
})
