import { describe, expect, test } from 'vitest'
import { benchSection } from '../src/report/sections/bench.ts'
import { renderPage, renderSummary } from '../src/report/write-report.ts'
import { sampleBenchSection, samplePersistenceSuite, sampleResults } from './support/sample-results.ts'

const renderers = [benchSection]

function everySuite() {
  const bench = sampleBenchSection()
  bench.persistence = samplePersistenceSuite()
  return sampleResults(bench)
}

describe('the bench report', () => {
  test('is one self-contained page: no script, nothing fetched from the network', () => {
    const page = renderPage(everySuite(), renderers)
    expect(page).not.toMatch(/<script/i)
    expect(page).not.toMatch(/https?:\/\//)
    expect(page).not.toMatch(/<(img|link|iframe|object|embed)\b/i)
    expect(page).not.toMatch(/url\(/i)
  })

  test('has every suite, the latency curves and the comparison charts', () => {
    const page = renderPage(everySuite(), renderers)
    for (const heading of [
      'Latency: backend against raw Redis',
      'Throughput from one process',
      'HTTP service over the backend',
      'Persistence profiles, relative to none',
      'The spec&#39;s claims',
    ]) {
      expect(page).toContain(`<h3>${heading}</h3>`)
    }
    expect(page).toContain('aria-label="storeResult (TTL), 16 in flight"')
    expect(page).toContain('aria-label="p50 ratio to the raw control (median of rounds)"')
    expect(page).toContain('aria-label="p50 latency × none"')
    // Percentile curves: one path per series (subject and control) in each latency chart.
    expect(page.match(/<path d="M/g)?.length).toBe(2 * 3)
  })

  test('marks targets met and not met in the markdown summary', () => {
    const summary = renderSummary(everySuite(), renderers)
    expect(summary).toContain(
      '| operation | in flight | control | p50 ratio (range) | p99 ratio (range) | p99.9 ratio | target |',
    )
    // 1.05 at p50 and 1.20 at p99 is within 1.10 / 1.25; 1.30 at p50 is not.
    expect(summary).toMatch(
      /\| storeResult \(TTL\) \| 1 \| SET EX \| 1\.05 .*\| ✅ p50 ≤ 1\.10, p99 ≤ 1\.25 \|/,
    )
    expect(summary).toMatch(
      /\| storeResult \(TTL\) \| 16 \| SET EX \| 1\.30 .*\| ❌ p50 ≤ 1\.10, p99 ≤ 1\.25 \|/,
    )
    expect(summary).toMatch(/\| storeResults \| 150,000 results\/s .*\| ❌ ≥ 200,000 results\/s \|/)
    expect(summary).toMatch(/\| read \| GET \/results\/:taskId \| 6,000 \| 0\.60 .*\| ✅ ≥ 0\.50 × no-op \|/)
    expect(summary).toMatch(/\| Chord counter \| .* \| ~16B \| ≤ 24 B \| ❌ 120 B \| ❌ 144 B \|/)
    expect(summary).toContain('| storeResults | aof-always |')
    expect(summary).toContain('Targets and claims: 4 met, 4 not met')
  })

  test('says why a suite was skipped', () => {
    const summary = renderSummary(sampleResults(), renderers)
    expect(summary).toContain('Skipped: needs redis-servers it starts itself.')
  })
})
