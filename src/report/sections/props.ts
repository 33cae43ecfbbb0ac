import { barChart } from '../html/charts.ts'
import { escapeHtml } from '../html/escape.ts'
import { type CellInput, htmlTable, markdownTable } from '../html/table.ts'
import type { SectionRenderer } from '../section.ts'

/**
 * `sections.props` of results.json: what `chordlab props` checked, per property and variant.
 *
 * Versioning (`version`): adding a field keeps `chordlab.props/v1`; renaming, removing or changing
 * the meaning of one bumps it.
 */
export const propsSectionVersion = 'chordlab.props/v1'

export interface PropsSection {
  version: typeof propsSectionVersion
  profile: string
  /** The CLI's `--seed`, when one was given (each check's own seed is in the check). */
  seed: number | null
  checks: PropsCheck[]
}

/**
 * - `held`: the real implementation passed every generated case;
 * - `failed`: the real implementation broke the property (a bug: see the counterexample);
 * - `caught`: a deliberately broken variant broke the property, as it must;
 * - `not-caught`: a broken variant passed, so the property has no teeth for it;
 * - `errored`: the run failed for another reason (Redis unreachable, a harness bug).
 */
export type PropsVerdict = 'held' | 'failed' | 'caught' | 'not-caught' | 'errored'

export const propsVerdicts: readonly PropsVerdict[] = ['held', 'failed', 'caught', 'not-caught', 'errored']

export interface PropsCheck {
  property: string
  title: string
  guarantees: string
  variant: string
  /** What the variant is, and for a broken one what is wrong with it. */
  about: string
  expectation: 'holds' | 'fails'
  verdict: PropsVerdict
  /** Generated cases run: all of them when it held, up to and including the first failure otherwise. */
  runs: number
  shrinks: number
  durationMs: number
  seed: number
  /** fast-check's counterexample path, when it failed. */
  path: string | null
  /** fc.commands' replay path of a model-based counterexample. */
  replayPath: string | null
  /** The command that replays the counterexample. */
  replay: string | null
  /** The shrunk counterexample in a readable form (the schedule of completions, the commands). */
  counterexample: string[]
  /** The violated invariants, or the error, when it failed. */
  error: string | null
}

/** Verdicts that make `chordlab props` exit non-zero. */
export function isBadVerdict(verdict: PropsVerdict): boolean {
  return verdict === 'failed' || verdict === 'not-caught' || verdict === 'errored'
}

export const propsSection: SectionRenderer<PropsSection> = {
  id: 'props',
  title: 'Property-based checks',
  parse: parsePropsSection,
  markdown(data) {
    const failures = data.checks.filter(check => check.error !== null)
    return [
      summaryLine(data),
      '',
      markdownTable(tableHeaders, data.checks.map(tableRow)),
      '',
      '### What each property guarantees',
      '',
      ...uniqueProperties(data).map(check => `- **${check.property}**: ${check.guarantees}`),
      ...failures.flatMap(check => [
        '',
        `### ${check.property} × ${check.variant}: ${check.verdict}`,
        '',
        '```text',
        ...(check.error === null ? [] : [check.error]),
        '',
        ...check.counterexample,
        '```',
        '',
        ...(check.replay === null ? [] : [`Replay: \`${check.replay}\``]),
      ]),
    ].join('\n')
  },
  html(data) {
    const failures = data.checks.filter(check => check.error !== null)
    const chart = barChart({
      title: 'Time per check (shrinking included)',
      unit: 'ms',
      bars: data.checks.map(check => ({
        label: `${check.property} × ${check.variant}`,
        value: Math.round(check.durationMs),
        group: check.expectation === 'holds' ? 'real implementation' : 'broken on purpose',
      })),
    })
    const guarantees = uniqueProperties(data)
      .map(check => `<li><b>${escapeHtml(check.property)}</b>: ${escapeHtml(check.guarantees)}</li>`)
      .join('')
    const details = failures
      .map(
        check =>
          `<h3>${escapeHtml(`${check.property} × ${check.variant}: ${check.verdict}`)}</h3>` +
          `<pre>${escapeHtml([check.error ?? '', '', ...check.counterexample].join('\n'))}</pre>` +
          (check.replay === null ? '' : `<p>Replay: <code>${escapeHtml(check.replay)}</code></p>`),
      )
      .join('\n')
    return [
      `<p>${escapeHtml(summaryLine(data))}</p>`,
      htmlTable(tableHeaders, data.checks.map(tableRow)),
      chart,
      `<h3>What each property guarantees</h3><ul>${guarantees}</ul>`,
      details,
    ].join('\n')
  },
}

const tableHeaders = ['property', 'variant', 'expected', 'verdict', 'runs', 'shrinks', 'time (ms)', 'seed']

function tableRow(check: PropsCheck): CellInput[] {
  return [
    check.property,
    check.variant,
    check.expectation === 'holds' ? 'holds' : 'caught',
    { text: check.verdict, status: isBadVerdict(check.verdict) ? 'not-met' : 'met' },
    check.runs,
    check.shrinks,
    Math.round(check.durationMs),
    { text: String(check.seed), numeric: true },
  ]
}

function summaryLine(data: PropsSection): string {
  const counts = propsVerdicts
    .map(verdict => [verdict, data.checks.filter(check => check.verdict === verdict).length] as const)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdict}`)
  const seed = data.seed === null ? '' : `, --seed ${data.seed}`
  return `Profile ${data.profile}${seed}: ${data.checks.length} checks, ${counts.join(', ')}.`
}

function uniqueProperties(data: PropsSection): PropsCheck[] {
  return data.checks.filter(
    (check, index) => data.checks.findIndex(other => other.property === check.property) === index,
  )
}

function parsePropsSection(json: unknown): PropsSection {
  const fail = (what: string): never => {
    throw new Error(`sections.props: ${what}`)
  }
  if (typeof json !== 'object' || json === null) return fail('is not an object')
  const data = json as Partial<PropsSection>
  if (data.version !== propsSectionVersion) return fail(`has version ${String(data.version)}`)
  if (typeof data.profile !== 'string') return fail('has no profile')
  if (data.seed !== null && typeof data.seed !== 'number') return fail('has an invalid seed')
  if (!Array.isArray(data.checks)) return fail('has no checks')
  data.checks.forEach((check: unknown, index) => {
    const entry = check as Partial<PropsCheck> | null
    const valid =
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.property === 'string' &&
      typeof entry.variant === 'string' &&
      propsVerdicts.includes(entry.verdict as PropsVerdict) &&
      typeof entry.runs === 'number' &&
      typeof entry.durationMs === 'number' &&
      Array.isArray(entry.counterexample)
    if (!valid) fail(`check ${index} is malformed`)
  })
  return data as PropsSection
}
