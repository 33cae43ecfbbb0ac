/**
 * How much the gated ratios move between runs of the same build: the evidence for choosing
 * `--max-regression`. Run `chordlab bench` several times on the CI machine, then:
 *
 *   npx tsx bench/ratio-spread.ts reports/<run-1>/results.json reports/<run-2>/results.json …
 *
 * It prints, per figure (gated or not), its value in each run and the largest run-to-run change, then
 * replays the gate for every ordered pair of runs (one as baseline, the other as the new run) at a
 * few thresholds: how many pairs would have failed (all false alarms: the build is the same), and
 * how many figure comparisons were steady enough to be judged at all.
 */
import { readFileSync } from 'node:fs'
import { compareWithBaseline, gateMetrics } from '../src/report/baseline.ts'
import type { RunResults } from '../src/report/schema.ts'
import { parseBenchSection } from '../src/report/sections/bench-data.ts'

const thresholds = [15, 20, 25, 30, 35, 40, 50]

const files = process.argv.slice(2)
if (files.length < 2) {
  console.error('usage: npx tsx bench/ratio-spread.ts <results.json> <results.json> [...]')
  process.exit(2)
}
const runs = files.map(file => JSON.parse(readFileSync(file, 'utf8')) as RunResults)

// 1. Every control-normalised figure across the runs (gated or not), largest run-to-run change first.
const byKey = new Map<string, { gated: boolean; values: number[] }>()
for (const run of runs) {
  const bench = parseBenchSection(run.sections.bench)
  const gated = new Set(gateMetrics(bench).map(metric => `${metric.key} | ${metric.figure}`))
  for (const metric of gateMetrics(bench, 'every-pairing')) {
    const id = `${metric.key} | ${metric.figure}`
    const entry = byKey.get(id) ?? { gated: gated.has(id), values: [] }
    entry.values.push(metric.value)
    byKey.set(id, entry)
  }
}
const rows = [...byKey.entries()]
  .map(([id, { gated, values }]) => ({
    id,
    gated,
    values,
    change: Math.max(...values) / Math.min(...values) - 1,
  }))
  .sort((a, b) => b.change - a.change)
console.log(`${runs.length} runs; largest run-to-run change of each figure (* = gated):`)
for (const row of rows) {
  const values = row.values.map(value => value.toFixed(2)).join(', ')
  console.log(`  ${(row.change * 100).toFixed(0).padStart(4)}% ${row.gated ? '*' : ' '} ${row.id}: ${values}`)
}
for (const figure of ['p50 ratio', 'p99 ratio', 'rate ratio'] as const) {
  const changes = rows.filter(row => row.gated && row.id.endsWith(figure)).map(row => row.change)
  if (changes.length === 0) continue
  const sorted = [...changes].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0
  console.log(
    `gated ${figure}s: largest change ${(Math.max(...changes) * 100).toFixed(0)}%, median ${(median * 100).toFixed(0)}% over ${changes.length} figures`,
  )
}

// 2. The gate itself, replayed for every ordered pair of runs.
console.log('\nthe gate on every ordered pair of these runs (same build, so every failure is a false alarm):')
for (const threshold of thresholds) {
  const failures: string[] = []
  let pairs = 0
  let judged = 0
  let compared = 0
  for (const [baselineIndex, baseline] of runs.entries()) {
    for (const [currentIndex, current] of runs.entries()) {
      if (baselineIndex === currentIndex) continue
      pairs += 1
      const outcome = compareWithBaseline(baseline, current, { maxRegressionPercent: threshold })
      if (outcome.kind !== 'incomparable') {
        judged += outcome.comparisons.filter(comparison => comparison.judged).length
        compared += outcome.comparisons.length
      }
      if (outcome.kind === 'incomparable')
        failures.push(`run ${baselineIndex + 1} vs ${currentIndex + 1}: ${outcome.reason}`)
      if (outcome.kind === 'regressed') {
        const named = outcome.regressions.map(({ metric }) => `${metric.key} ${metric.figure}`)
        failures.push(`run ${currentIndex + 1} vs baseline ${baselineIndex + 1}: ${named.join('; ')}`)
      }
    }
  }
  console.log(
    `  --max-regression ${threshold}: ${failures.length} of ${pairs} pairs fail; ${judged} of ${compared} figure comparisons judged`,
  )
  for (const failure of failures) console.log(`      ${failure}`)
}
