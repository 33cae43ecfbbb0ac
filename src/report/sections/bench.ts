import { type Bar, barChart, lineChart, type Series } from '../html/charts.ts'
import { escapeHtml } from '../html/escape.ts'
import { htmlTable, markdownTable } from '../html/table.ts'
import type { SectionRenderer } from '../section.ts'
import {
  type BenchSectionData,
  type BenchSuiteId,
  benchSuiteIds,
  type HttpSuite,
  type LatencySuite,
  type OperationLatency,
  type PersistenceSuite,
  parseBenchSection,
  type SpecSuite,
  type SuiteOutcome,
  type ThroughputSuite,
} from './bench-data.ts'
import {
  httpTable,
  latencyTable,
  persistenceLatencyTable,
  persistenceThroughputTable,
  rateText,
  ratioTable,
  specLatencyTable,
  specMemoryTable,
  type Table,
  targetVerdicts,
  throughputTable,
} from './bench-tables.ts'

/**
 * The bench section: summary.md gets the tables (targets marked ✅/❌), the page gets the same
 * tables plus inline SVG charts: latency percentile curves of each operation against its
 * controls, ratios, throughput, HTTP and persistence comparisons.
 */
export const benchSection: SectionRenderer<BenchSectionData> = {
  id: 'bench',
  title: 'Benchmarks',
  parse: parseBenchSection,
  markdown: renderMarkdown,
  html: renderHtml,
}

const suiteTitles: Record<BenchSuiteId, string> = {
  latency: 'Latency: backend against raw Redis',
  throughput: 'Throughput from one process',
  http: 'HTTP service over the backend',
  persistence: 'Persistence profiles, relative to none',
  spec: "The spec's claims",
}

interface Rendering {
  markdown: string
  html: string
  /** Tables whose met / not-met cells count in the headline. */
  judged: Table[]
}

function renderMarkdown(data: BenchSectionData): string {
  const parts = renderSuites(data)
  return [headline(data, parts), ...parts.map(part => part.markdown)].join('\n\n')
}

function renderHtml(data: BenchSectionData): string {
  const parts = renderSuites(data)
  return [`<p>${escapeHtml(headline(data, parts))}</p>`, ...parts.map(part => part.html)].join('\n')
}

function headline(data: BenchSectionData, parts: readonly Rendering[]): string {
  const { met, notMet } = targetVerdicts(parts.flatMap(part => part.judged))
  const { settings } = data
  return (
    `Profile ${settings.profile}; suites ${settings.suites.join(', ')}; Redis ${settings.redis.source}, ` +
    `persistence ${settings.redis.persistence}. Targets and claims: ${met} met, ${notMet} not met ` +
    '(goals measured in this run, not pass/fail tests).'
  )
}

function renderSuites(data: BenchSectionData): Rendering[] {
  return benchSuiteIds.flatMap(suite => {
    const outcome = data[suite] as SuiteOutcome<object> | undefined
    if (outcome === undefined) return []
    const title = suiteTitles[suite]
    if (outcome.status === 'skipped') {
      const text = `${title}: skipped, ${outcome.reason}.`
      return [
        {
          markdown: `### ${title}\n\nSkipped: ${outcome.reason}.`,
          html: `<h3>${escapeHtml(title)}</h3><p class="note">${escapeHtml(text)}</p>`,
          judged: [],
        },
      ]
    }
    return [withHeading(title, renderers[suite](outcome as never))]
  })
}

function withHeading(title: string, rendering: Rendering): Rendering {
  return {
    ...rendering,
    markdown: `### ${title}\n\n${rendering.markdown}`,
    html: `<h3>${escapeHtml(title)}</h3>\n${rendering.html}`,
  }
}

const renderers: { [Suite in BenchSuiteId]: (data: never) => Rendering } = {
  latency: renderLatency,
  throughput: renderThroughput,
  http: renderHttp,
  persistence: renderPersistence,
  spec: renderSpec,
}

function both(table: Table): { markdown: string; html: string } {
  return { markdown: markdownTable(table.headers, table.rows), html: htmlTable(table.headers, table.rows) }
}

function paragraph(text: string): { markdown: string; html: string } {
  return { markdown: text, html: `<p>${escapeHtml(text)}</p>` }
}

function join(...blocks: Array<{ markdown: string; html: string }>): { markdown: string; html: string } {
  return {
    markdown: blocks.map(block => block.markdown).join('\n\n'),
    html: blocks.map(block => block.html).join('\n'),
  }
}

function renderLatency(suite: LatencySuite): Rendering {
  const ratios = ratioTable(suite)
  const text = join(
    paragraph(
      `Each operation ran against its raw ioredis control(s) on their own connection, interleaved in ${suite.rounds} rounds of ` +
        `${suite.roundMs} ms each (rotated order); a ratio is the median of the per-round ratios, with the range of rounds. ` +
        'p99.9 ratios pool all rounds. Ratios near 1.00 mean the backend adds little over the Redis round trip itself. ' +
        "EVALSHA runs a one-line script, return redis.call('INCR', KEYS[1]); N× SET EX is one pipeline. " +
        'The rows with a target are the ones the baseline gate watches.',
    ),
    both(ratios),
  )
  const table = latencyTable(suite.operations, true)
  return {
    judged: [ratios],
    markdown: `${text.markdown}\n\n${markdownTable(table.headers, latencyTable(suite.operations, false).rows)}`,
    html: [
      text.html,
      ratioChart(suite),
      '<h4>Latency distributions (log scale)</h4>',
      chartGrid(suite.operations.map(latencyCurveChart)),
      htmlTable(table.headers, table.rows),
    ].join('\n'),
  }
}

/** x = the number of nines: p50 → 0.3, p90 → 1, p99 → 2, p99.9 → 3, so the tail gets room. */
function nines(percent: number): number {
  return -Math.log10(1 - percent / 100)
}

const ninesTicks: Array<[number, string]> = [
  [0, 'p0'],
  [nines(50), 'p50'],
  [nines(90), 'p90'],
  [nines(99), 'p99'],
  [nines(99.9), 'p99.9'],
  [nines(99.99), 'p99.99'],
]

function latencyCurveChart(operation: OperationLatency): string {
  const curve = (points: Array<[number, number]>) =>
    points.filter(([percent]) => percent < 100).map(([percent, us]): [number, number] => [nines(percent), us])
  const series: Series[] = [
    { name: operation.operation, points: curve(operation.subject.curve) },
    ...operation.controls.map(comparison => ({
      name: comparison.control,
      points: curve(comparison.figures.curve),
    })),
  ]
  return lineChart({
    title: `${operation.operation}, ${operation.concurrency} in flight`,
    xLabel: 'percentile',
    yLabel: 'µs',
    logY: true,
    series,
    xTicks: ninesTicks,
  })
}

function ratioChart(suite: LatencySuite): string {
  const bars: Bar[] = suite.operations.flatMap(operation =>
    operation.controls.map(comparison => ({
      label: `${operation.operation} / ${comparison.control}`,
      value: comparison.p50.median,
      group: `${operation.concurrency} in flight`,
    })),
  )
  return barChart({
    title: 'p50 ratio to the raw control (median of rounds)',
    unit: '×',
    bars,
    referenceLine: { value: 1.1, label: '1.10: the store/get/delete/expire target' },
  })
}

function chartGrid(charts: readonly string[]): string {
  return `<div style="display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:8px">${charts.join('')}</div>`
}

function renderThroughput(suite: ThroughputSuite): Rendering {
  const table = throughputTable(suite)
  const methods = suite.workloads.map(
    workload => `${workload.workload}: ${workload.method}; control: ${workload.control.method}.`,
  )
  const text = join(
    paragraph(
      `Wall-clock rates over ${suite.rounds} interleaved rounds of ${suite.roundMs} ms, subject and control alternating. ${methods.join(' ')}`,
    ),
    both(table),
  )
  const charts = suite.workloads.map(workload =>
    barChart({
      title: `${workload.workload}: ${workload.unit} (median of rounds)`,
      unit: workload.unit,
      bars: [
        { label: workload.workload, value: workload.subject.median },
        { label: `raw ${workload.control.name}`, value: workload.control.perSecond.median },
      ],
      ...(workload.targetPerSecond === undefined
        ? {}
        : {
            referenceLine: {
              value: workload.targetPerSecond,
              label: `target ${rateText(workload.targetPerSecond)}`,
            },
          }),
    }),
  )
  return { judged: [table], markdown: text.markdown, html: `${text.html}\n${charts.join('\n')}` }
}

function renderHttp(suite: HttpSuite): Rendering {
  const table = httpTable(suite)
  const text = join(
    paragraph(
      `autocannon on loopback, ${suite.connections} connections, ${suite.rounds} rounds of ${suite.roundSeconds} s per route in rotated order; ` +
        'the service runs in its own process. Latencies come from each response’s own time, in µs.',
    ),
    both(table),
  )
  const noop = suite.routes.find(route => route.route === 'no-op')
  const chart = barChart({
    title: 'Requests per second (median of rounds)',
    unit: 'req/s',
    bars: suite.routes.map(route => ({
      label: `${route.route} (${route.method})`,
      value: route.requestsPerSecond.median,
    })),
    ...(noop
      ? {
          referenceLine: {
            value: noop.requestsPerSecond.median * 0.5,
            label: '0.5 × no-op: the read route target',
          },
        }
      : {}),
  })
  return { judged: [table], markdown: text.markdown, html: `${text.html}\n${chart}` }
}

function renderPersistence(suite: PersistenceSuite): Rendering {
  const latency = persistenceLatencyTable(suite)
  const throughput = persistenceThroughputTable(suite)
  const notes = suite.profiles.map(profile => `${profile}: ${suite.profileNotes[profile] ?? ''}`).join('; ')
  const text = join(
    paragraph(
      `One redis-server per profile, all four measured interleaved (${suite.rounds} rounds of ${suite.roundMs} ms per profile); ` +
        `costs are per-round ratios to none. ${notes}.`,
    ),
    both(latency),
    both(throughput),
  )
  const latencyBars: Bar[] = suite.latency.flatMap(operation =>
    operation.byProfile.map(profile => ({
      label: `${operation.operation}`,
      value: profile.p50VsNone.median,
      group: profile.profile,
    })),
  )
  const throughputBars: Bar[] = suite.throughput.flatMap(workload =>
    workload.byProfile.map(profile => ({
      label: workload.workload,
      value: profile.vsNone.median,
      group: profile.profile,
    })),
  )
  const charts = chartGrid([
    barChart({
      title: 'p50 latency × none',
      unit: '×',
      bars: latencyBars,
      referenceLine: { value: 1, label: 'none' },
    }),
    barChart({
      title: 'Throughput × none',
      unit: '×',
      bars: throughputBars,
      referenceLine: { value: 1, label: 'none' },
    }),
  ])
  return { judged: [], markdown: text.markdown, html: `${text.html}\n${charts}` }
}

function renderSpec(suite: SpecSuite): Rendering {
  const latency = specLatencyTable(suite)
  const memory = specMemoryTable(suite)
  const text = join(
    paragraph(
      `From ../shared/spec/celers-backend-redis.md, "Throughput" and "Redis Memory Usage". Latency from ${suite.latencySource}, judged on p99 (loopback).`,
    ),
    both(latency),
    paragraph(
      'Memory: a "~" figure counts as met up to 1.5× the figure, a range up to its upper end. ' +
        suite.memoryNotes.join(' '),
    ),
    both(memory),
  )
  return { judged: [latency, memory], ...text }
}
