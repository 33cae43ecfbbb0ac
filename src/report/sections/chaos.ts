import { barChart } from '../html/charts.ts'
import { escapeHtml } from '../html/escape.ts'
import { type CellInput, htmlTable, markdownTable } from '../html/table.ts'
import type { SectionRenderer } from '../section.ts'

/**
 * `sections.chaos` of results.json: what `chordlab chaos` did to Redis and its clients, per
 * scenario and barrier, and what the history checker concluded.
 *
 * Versioning (`version`): adding a field keeps `chordlab.chaos/v1`; renaming, removing or changing
 * the meaning of one bumps it.
 */
export const chaosSectionVersion = 'chordlab.chaos/v1'

export interface ChaosSection {
  version: typeof chaosSectionVersion
  profile: string
  /** The Toxiproxy the scenarios drove, and the providers passed over on the way to it. */
  toxiproxy: { kind: string; description: string; skipped: Array<{ kind: string; reason: string }> }
  /** Where Redis ran (`local redis-server 7.0.15`, a container, REDIS_URL), and why not Docker if so. */
  redis: { description: string; notes: string[] }
  scenarios: ChaosScenarioReport[]
  /** Profile × fault -> what the reference barrier kept; empty when the restart scenario did not run. */
  persistence: PersistenceRow[]
  /** What these runs cannot show, said plainly. */
  limits: string[]
}

export interface ChaosScenarioReport {
  id: string
  title: string
  /** What the fault does and what the checker must see. */
  description: string
  /** `passed`: every expectation met; `failed`: at least one not met; `skipped`: not run here (see `skipReason`). */
  status: 'passed' | 'failed' | 'skipped'
  skipReason: string | null
  durationMs: number
  runs: ChaosRun[]
  expectations: Expectation[]
  measurements: Measurement[]
}

/** One chord completed under one fault with one barrier. */
export interface ChaosRun {
  fault: string
  barrier: string
  /** The checker's verdict: exact, lost-acknowledged, duplicate-applied, double-fired, fired-early, never-fired. */
  verdict: string
  /** No violation (exact, or never fired with a reason). */
  consistent: boolean
  neverFiredReason: string | null
  violations: Array<{ kind: string; detail: string }>
  total: number
  finalCount: number
  chordExists: boolean
  firedCount: number
  /** Distinct tasks acknowledged / only ever `unknown`. */
  acknowledged: number
  unknown: number
  acknowledgedLost: number
  operations: { ok: number; fail: number; unknown: number }
  /** BackendError kinds of the failed and unknown operations; `untyped` counts anything else. */
  errorKinds: Record<string, number>
  /** Operations still waiting when the run's deadline passed. */
  hung: number
  /** Calls in flight at some moment while the fault was in place; null when the run had no fault injected mid-way. */
  callsDuringFault: number | null
  /** Why the fault could not be injected or healed, when it could not. */
  faultError: string | null
  durationMs: number
  /** Median time of an acknowledged completion call. */
  medianLatencyMs: number | null
}

export interface Expectation {
  /** Stable name (`reference-consistent`, `broken-caught`, …) that tests and tools look up. */
  id: string
  statement: string
  met: boolean
  /** What was seen. */
  detail: string
}

export interface Measurement {
  name: string
  value: number
  unit: string
}

export interface PersistenceRow {
  profile: string
  fault: 'SIGKILL' | 'graceful restart'
  acknowledged: number
  acknowledgedLost: number
  /** The reference barrier's verdict. */
  outcome: string
  chordExists: boolean
  /** From the fault until a fresh connection's PING answered again. */
  downtimeMs: number
}

export const chaosSection: SectionRenderer<ChaosSection> = {
  id: 'chaos',
  title: 'Chaos scenarios',
  parse: parseChaosSection,
  markdown(data) {
    return [
      ...overview(data),
      '',
      markdownTable(summaryHeaders, data.scenarios.map(summaryRow)),
      ...data.scenarios.flatMap(scenario => [
        '',
        `### ${scenario.title} (\`${scenario.id}\`): ${scenario.status}`,
        '',
        scenario.description,
        ...(scenario.skipReason === null ? [] : ['', `Skipped: ${scenario.skipReason}`]),
        ...bulleted(scenario.expectations.map(expectationLine)),
        ...bulleted(scenario.measurements.map(measurementLine)),
        ...(scenario.runs.length === 0 ? [] : ['', markdownTable(runHeaders, scenario.runs.map(runRow))]),
        ...bulleted(scenario.runs.flatMap(findings)),
      ]),
      ...(data.persistence.length === 0
        ? []
        : [
            '',
            '### Persistence: what a restart in the middle of a chord kept',
            '',
            markdownTable(persistenceHeaders, data.persistence.map(persistenceRow)),
          ]),
      '',
      '### What these runs cannot show',
      '',
      ...data.limits.map(limit => `- ${limit}`),
    ].join('\n')
  },
  html(data) {
    const scenarios = data.scenarios.map(scenario =>
      [
        `<h3>${escapeHtml(`${scenario.title} (${scenario.id}): ${scenario.status}`)}</h3>`,
        `<p>${escapeHtml(scenario.description)}</p>`,
        scenario.skipReason === null ? '' : `<p>Skipped: ${escapeHtml(scenario.skipReason)}</p>`,
        listOf(scenario.expectations.map(expectationLine)),
        listOf(scenario.measurements.map(measurementLine)),
        scenario.runs.length === 0 ? '' : htmlTable(runHeaders, scenario.runs.map(runRow)),
        listOf(scenario.runs.flatMap(findings)),
      ].join('\n'),
    )
    const persistence =
      data.persistence.length === 0
        ? ''
        : [
            '<h3>Persistence: what a restart in the middle of a chord kept</h3>',
            htmlTable(persistenceHeaders, data.persistence.map(persistenceRow)),
            barChart({
              title: 'Acknowledged completions lost (reference barrier)',
              unit: 'tasks',
              bars: data.persistence.map(row => ({
                label: `${row.profile} · ${row.fault}`,
                value: row.acknowledgedLost,
                group: row.fault,
              })),
            }),
            barChart({
              title: 'Time until Redis answered again',
              unit: 'ms',
              bars: data.persistence.map(row => ({
                label: `${row.profile} · ${row.fault}`,
                value: Math.round(row.downtimeMs),
                group: row.fault,
              })),
            }),
          ].join('\n')
    return [
      ...overview(data).map(line => `<p>${escapeHtml(line)}</p>`),
      htmlTable(summaryHeaders, data.scenarios.map(summaryRow)),
      ...scenarios,
      persistence,
      '<h3>What these runs cannot show</h3>',
      listOf(data.limits),
    ].join('\n')
  },
}

const summaryHeaders = ['scenario', 'status', 'expectations met', 'runs', 'time (s)']

const runHeaders = [
  'fault',
  'barrier',
  'verdict',
  'final / total',
  'isLast seen',
  'ok / unknown / fail calls',
  'acked lost',
  'median call (ms)',
  'time (ms)',
]

const persistenceHeaders = [
  'profile',
  'fault',
  'acknowledged',
  'acknowledged lost',
  'chord outcome',
  'Redis answered again after (ms)',
]

function overview(data: ChaosSection): string[] {
  const skipped = data.toxiproxy.skipped.map(skip => `${skip.kind}: ${skip.reason}`)
  return [
    `Profile ${data.profile}. Toxiproxy: ${data.toxiproxy.description}` +
      (skipped.length === 0 ? '.' : ` (passed over: ${skipped.join('; ')}).`),
    `Redis: ${data.redis.description}.${data.redis.notes.map(note => ` ${note}`).join('')}`,
  ]
}

function summaryRow(scenario: ChaosScenarioReport): CellInput[] {
  const met = scenario.expectations.filter(expectation => expectation.met).length
  return [
    scenario.id,
    {
      text: scenario.status,
      status: scenario.status === 'passed' ? 'met' : scenario.status === 'failed' ? 'not-met' : 'info',
    },
    `${met} / ${scenario.expectations.length}`,
    scenario.runs.length,
    { text: (scenario.durationMs / 1000).toFixed(1), numeric: true },
  ]
}

function runRow(run: ChaosRun): CellInput[] {
  return [
    run.fault,
    run.barrier,
    { text: run.verdict, status: run.consistent ? 'met' : 'info' },
    `${run.finalCount}${run.chordExists ? '' : ' (gone)'} / ${run.total}`,
    run.firedCount,
    `${run.operations.ok} / ${run.operations.unknown} / ${run.operations.fail}`,
    run.acknowledgedLost,
    run.medianLatencyMs === null ? '–' : { text: run.medianLatencyMs.toFixed(1), numeric: true },
    Math.round(run.durationMs),
  ]
}

function persistenceRow(row: PersistenceRow): CellInput[] {
  return [
    row.profile,
    row.fault,
    row.acknowledged,
    {
      text: String(row.acknowledgedLost),
      numeric: true,
      status: row.acknowledgedLost === 0 ? 'met' : 'not-met',
    },
    `${row.outcome}${row.chordExists ? '' : ' (chord gone)'}`,
    Math.round(row.downtimeMs),
  ]
}

/** The checker's sentences for one run: its violations, or why it never fired. */
function findings(run: ChaosRun): string[] {
  const label = `${run.fault}, ${run.barrier}`
  const hung = run.hung > 0 ? [`${label}: ${run.hung} call(s) still pending at the deadline`] : []
  const fault = run.faultError === null ? [] : [`${label}: the fault failed: ${run.faultError}`]
  const reason = run.neverFiredReason === null ? [] : [`${label}: never fired: ${run.neverFiredReason}`]
  return [...fault, ...hung, ...reason, ...run.violations.map(v => `${label}: ${v.kind}: ${v.detail}`)]
}

function measurementLine(measurement: Measurement): string {
  return `${measurement.name}: ${formatValue(measurement.value)} ${measurement.unit}`
}

function expectationLine(expectation: Expectation): string {
  return `${expectation.met ? '✅' : '❌'} ${expectation.statement}: ${expectation.detail}`
}

/** Markdown bullets after a blank line (a list right under a table row would read as part of it). */
function bulleted(lines: string[]): string[] {
  return lines.length === 0 ? [] : ['', ...lines.map(line => `- ${line}`)]
}

function listOf(lines: string[]): string {
  return lines.length === 0 ? '' : `<ul>${lines.map(line => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}

function parseChaosSection(json: unknown): ChaosSection {
  const fail = (what: string): never => {
    throw new Error(`sections.chaos: ${what}`)
  }
  if (typeof json !== 'object' || json === null) return fail('is not an object')
  const data = json as Partial<ChaosSection>
  if (data.version !== chaosSectionVersion) return fail(`has version ${String(data.version)}`)
  if (typeof data.profile !== 'string') return fail('has no profile')
  if (typeof data.toxiproxy?.description !== 'string' || !Array.isArray(data.toxiproxy.skipped))
    return fail('has no toxiproxy provider')
  if (typeof data.redis?.description !== 'string' || !Array.isArray(data.redis.notes))
    return fail('has no redis description')
  if (!Array.isArray(data.scenarios)) return fail('has no scenarios')
  if (!Array.isArray(data.persistence)) return fail('has no persistence table')
  if (!Array.isArray(data.limits)) return fail('has no limits')
  data.scenarios.forEach((scenario: unknown, index) => {
    const entry = scenario as Partial<ChaosScenarioReport> | null
    const valid =
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.id === 'string' &&
      ['passed', 'failed', 'skipped'].includes(entry.status as string) &&
      Array.isArray(entry.runs) &&
      Array.isArray(entry.expectations) &&
      Array.isArray(entry.measurements) &&
      entry.runs.every(run => typeof run.verdict === 'string' && typeof run.operations?.ok === 'number')
    if (!valid) fail(`scenario ${index} is malformed`)
  })
  data.persistence.forEach((row: unknown, index) => {
    const entry = row as Partial<PersistenceRow> | null
    if (typeof entry?.profile !== 'string' || typeof entry.downtimeMs !== 'number')
      fail(`persistence row ${index} is malformed`)
  })
  return data as ChaosSection
}
