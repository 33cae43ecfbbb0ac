import { barChart } from '../html/charts.ts'
import { escapeHtml } from '../html/escape.ts'
import { type CellInput, htmlTable, markdownTable } from '../html/table.ts'
import type { SectionRenderer } from '../section.ts'

/**
 * `sections.peers` of results.json: chordlab's barrier against its peers (BullMQ flows, Celery's
 * Redis chord counter, the spec's INCR) and a raw-Redis control, on one redis-server in one run.
 *
 * Versioning (`version`): adding a field keeps `chordlab.peers/v1`; renaming, removing or changing
 * the meaning of one bumps it.
 */
export const peersSectionVersion = 'chordlab.peers/v1'

export interface PeersSection {
  version: typeof peersSectionVersion
  profile: string
  redisVersion: string
  rows: PeerRow[]
}

/** Verdicts of the history checker (src/history/chord-check.ts), or `not-run`. */
export type PeerVerdict =
  | 'exact'
  | 'lost-acknowledged'
  | 'duplicate-applied'
  | 'double-fired'
  | 'fired-early'
  | 'never-fired'
  | 'not-run'

export type PeerRow = { id: string; label: string; role: 'barrier' | 'control' } & (
  | { status: 'skipped'; reason: string }
  | {
      status: 'measured'
      /** One call in flight at a time, from one process: latency and round trips. */
      sequential: PeerPass & { p50Us: number; p99Us: number }
      /** One process with `inFlight` calls outstanding (a Python process: one at a time). */
      oneProcess: PeerPass
      /** `processes` processes, each with `inFlight` calls outstanding. */
      processes: PeerPass
      /** One verdict per fault: 30% duplicate deliveries, then (with the fault runs) resets and a restart. */
      faults: PeerExactness[]
      /** Bytes over the chord's barrier keys (MEMORY USAGE … SAMPLES 0) with all but one task completed. */
      memory: Array<{ tasks: number; bytes: number }>
    }
)

export interface PeerPass {
  processes: number
  inFlight: number
  completions: number
  wallMs: number
  completionsPerSecond: number
  /** Every command Redis ran (inside scripts too), per completion. */
  commandsPerCompletion: number
  byCommand: Record<string, number>
  /** Socket read events per completion; the round trips in the sequential pass. */
  roundTripsPerCompletion: number
  /** used_cpu_sys + used_cpu_user of redis-server, per completion. */
  serverCpuUsPerCompletion: number
}

export interface PeerExactness {
  fault: string
  total: number
  /** Planned deliveries (the tasks, plus the duplicates). */
  deliveries: number
  /** Calls made: deliveries plus redeliveries of calls that ended unknown. */
  calls: number
  verdict: PeerVerdict
  violations: string[]
  /** Why nobody heard the chord complete, when it never fired for a reason the history shows. */
  neverFiredReason: string | null
  firedCount: number
  /** Calls that ended fail or unknown. */
  unacknowledged: number
  /** False when the run ended before the fault began (or no task was repeated): the verdict then says nothing. */
  faultHit: boolean
}

export const peersSection: SectionRenderer<PeersSection> = {
  id: 'peers',
  title: 'Peers: chordlab against BullMQ flows, Celery and the spec',
  parse(json) {
    const data = json as Partial<PeersSection> | null
    if (data?.version !== peersSectionVersion || !Array.isArray(data.rows)) {
      throw new Error(`sections.peers is not ${peersSectionVersion}`)
    }
    return data as PeersSection
  },
  markdown(data) {
    return [intro(data), '', markdownTable(headers(data), tableRows(data)), '', ...commandLines(data)].join(
      '\n',
    )
  },
  html(data) {
    const measured = data.rows.filter(row => row.status === 'measured')
    const throughput = barChart({
      title: 'Completions per second (one chord; one process and several)',
      unit: '/s',
      bars: measured.flatMap(row => [
        {
          label: `${row.id} · 1 process`,
          value: Math.round(row.oneProcess.completionsPerSecond),
          group: '1 process',
        },
        {
          label: `${row.id} · ${row.processes.processes} processes`,
          value: Math.round(row.processes.completionsPerSecond),
          group: 'several processes',
        },
      ]),
    })
    const cpu = barChart({
      title: 'redis-server CPU per completion (used_cpu_sys + used_cpu_user)',
      unit: 'µs',
      bars: measured.flatMap(row => [
        {
          label: `${row.id} · 1 in flight`,
          value: Number(row.sequential.serverCpuUsPerCompletion.toFixed(1)),
          group: 'one call at a time',
        },
        {
          label: `${row.id} · 1 process`,
          value: Number(row.oneProcess.serverCpuUsPerCompletion.toFixed(1)),
          group: 'one process, calls outstanding',
        },
      ]),
    })
    return [
      `<p>${escapeHtml(intro(data))}</p>`,
      htmlTable(headers(data), tableRows(data)),
      throughput,
      cpu,
      `<ul>${commandLines(data)
        .map(line => `<li>${escapeHtml(line.replace(/^- /, ''))}</li>`)
        .join('')}</ul>`,
    ].join('\n')
  },
}

function intro(data: PeersSection): string {
  return (
    `Profile ${data.profile}, Redis ${data.redisVersion}, one redis-server for every contestant. ` +
    "Ratio: throughput with several processes over chordlab's. Latency, commands, round trips and the first CPU column: one call at a time. " +
    'A Python process completes one call at a time, so its "1 proc" is sequential.'
  )
}

function faultNames(data: PeersSection): string[] {
  return [
    ...new Set(
      data.rows.flatMap(row => (row.status === 'measured' ? row.faults.map(fault => fault.fault) : [])),
    ),
  ]
}

function headers(data: PeersSection): string[] {
  const sizes = memorySizes(data)
  return [
    'contestant',
    '1 proc /s',
    'N proc /s',
    'ratio',
    'p50 µs',
    'p99 µs',
    'cmds/compl',
    'round trips',
    'CPU µs/compl (1 in flight)',
    'CPU µs/compl (1 proc)',
    ...sizes.map(size => `mem B @${size.toLocaleString('en')}`),
    ...faultNames(data),
  ]
}

function memorySizes(data: PeersSection): number[] {
  return [
    ...new Set(
      data.rows.flatMap(row => (row.status === 'measured' ? row.memory.map(entry => entry.tasks) : [])),
    ),
  ].sort((a, b) => a - b)
}

function tableRows(data: PeersSection): CellInput[][] {
  const reference = data.rows.find(row => row.id === 'chordlab')
  const referenceRate =
    reference?.status === 'measured' ? reference.processes.completionsPerSecond : Number.NaN
  const sizes = memorySizes(data)
  return data.rows.map(row => {
    const name = row.role === 'control' ? `${row.id} (control)` : row.id
    if (row.status === 'skipped') return [name, { text: `skipped: ${row.reason}` }]
    const number = (value: number, digits = 0) => ({ text: value.toFixed(digits), numeric: true })
    return [
      name,
      number(row.oneProcess.completionsPerSecond),
      number(row.processes.completionsPerSecond),
      number(row.processes.completionsPerSecond / referenceRate, 2),
      number(row.sequential.p50Us),
      number(row.sequential.p99Us),
      number(row.sequential.commandsPerCompletion, 1),
      number(row.sequential.roundTripsPerCompletion, 1),
      number(row.sequential.serverCpuUsPerCompletion, 1),
      number(row.oneProcess.serverCpuUsPerCompletion, 1),
      ...sizes.map(size => {
        const entry = row.memory.find(candidate => candidate.tasks === size)
        return entry === undefined ? '' : number(entry.bytes)
      }),
      ...faultNames(data).map(name =>
        verdictCell(
          row.role,
          row.faults.find(fault => fault.fault === name),
        ),
      ),
    ]
  })
}

function verdictCell(role: PeerRow['role'], result: PeerExactness | undefined): CellInput {
  if (result === undefined) return 'not run'
  const text = result.faultHit ? result.verdict : `${result.verdict} (fault missed the run)`
  if (!result.faultHit || role === 'control') return { text, status: 'info' }
  // never-fired with a reason the history shows is consistent: nobody heard, Redis holds it complete.
  const consistent =
    result.verdict === 'exact' || (result.verdict === 'never-fired' && result.violations.length === 0)
  return { text, status: consistent ? 'met' : 'not-met' }
}

/** What each contestant sends Redis per completion, by command, from the sequential pass. */
function commandLines(data: PeersSection): string[] {
  return data.rows.flatMap(row => {
    if (row.status !== 'measured') return []
    const commands = Object.entries(row.sequential.byCommand)
      .sort(([, a], [, b]) => b - a)
      .map(([name, calls]) => `${name} ${calls.toFixed(2)}`)
      .join(', ')
    return [`- ${row.id}: ${row.label}. Per completion: ${commands}`]
  })
}
