import { barChart, lineChart } from '../html/charts.ts'
import { escapeHtml } from '../html/escape.ts'
import { type CellInput, htmlTable, markdownTable } from '../html/table.ts'
import type { SectionRenderer } from '../section.ts'
import type { RoundStat } from './bench-data.ts'
import {
  type AppliedCheck,
  type ClusterArm,
  type TopologyArm,
  type TopologyPass,
  type TopologySection,
  topologySectionVersion,
} from './topology-data.ts'
import { intro, limitLines, methodLines, primariesName } from './topology-text.ts'

export const topologySection: SectionRenderer<TopologySection> = {
  id: 'topology',
  title: 'Topology: Redis Cluster sizes against the backend on one plain redis-server',
  parse(json) {
    const data = json as Partial<TopologySection> | null
    if (
      data?.version !== topologySectionVersion ||
      !Array.isArray(data.passes) ||
      data.settings === undefined
    ) {
      throw new Error(`sections.topology is not ${topologySectionVersion}`)
    }
    return data as TopologySection
  },
  markdown(data) {
    return [
      intro(data),
      '',
      markdownTable(rateHeaders(data), rateRows(data)),
      '',
      ratioIntro,
      '',
      markdownTable(ratioHeaders(data), ratioRows(data)),
      '',
      cpuIntro,
      '',
      markdownTable(cpuHeaders, cpuRows(data)),
      '',
      ...limitLines(data),
      '',
      ...methodLines(data),
    ].join('\n')
  },
  html(data) {
    return [
      `<p>${escapeHtml(intro(data))}</p>`,
      htmlTable(rateHeaders(data), rateRows(data)),
      `<p>${escapeHtml(ratioIntro)}</p>`,
      htmlTable(ratioHeaders(data), ratioRows(data)),
      ...charts(data),
      `<p>${escapeHtml(cpuIntro)}</p>`,
      htmlTable(cpuHeaders, cpuRows(data)),
      htmlList(limitLines(data)),
      htmlList(methodLines(data)),
    ].join('\n')
  },
}

const ratioIntro =
  'Ratios (median of per-round ratios, range): to the raw control, and the cluster cost, each cluster ' +
  'against the backend on the plain server (1.00: the cluster costs nothing).'
const cpuIntro = 'Where the CPU went (medians over rounds; cores are CPU-seconds per wall second):'

function htmlList(lines: readonly string[]): string {
  return `<ul>${lines.map(line => `<li>${escapeHtml(line.replace(/^- /, ''))}</li>`).join('')}</ul>`
}

/** x of the backend on the plain server in the charts: left of the smallest cluster. */
const plainX = 0

/**
 * Lines against cluster size, one per operation × processes, each starting at the backend on the
 * plain server ("plain", x = 0), so a line reads as what going to a cluster of each size did.
 */
function charts(data: TopologySection): string[] {
  const xTicks: Array<[number, string]> = [
    [plainX, 'plain'],
    ...data.settings.primaries.map((count): [number, string] => [count, `${count}`]),
  ]
  const bySize = (
    title: string,
    yLabel: string,
    plain: (pass: TopologyPass) => number,
    cluster: (arm: ClusterArm) => number,
  ) =>
    lineChart({
      title,
      xLabel: 'primaries (plain: the backend on one plain redis-server)',
      yLabel,
      xTicks,
      series: data.passes.map(pass => ({
        name: passName(pass),
        points: [
          [plainX, plain(pass)],
          ...pass.clusters.map((arm): [number, number] => [arm.primaries, cluster(arm)]),
        ],
      })),
    })
  return [
    bySize(
      'ops/s of the backend by cluster size (median of rounds); one line per operation × client processes',
      'ops/s',
      pass => pass.backendSingle.perSecond.median,
      arm => arm.perSecond.median,
    ),
    bySize(
      'Ratio to the raw control on the plain redis-server in the same pass (median of per-round ratios)',
      'backend / raw control',
      pass => pass.backendSingle.ratioToControl.median,
      arm => arm.ratioToControl.median,
    ),
    bySize(
      'Cluster cost: each cluster against the backend on the plain server (1 at "plain" by definition)',
      'cluster / backend, plain',
      () => 1,
      arm => arm.ratioToBackendSingle.median,
    ),
    barChart({
      title: 'The raw control on the plain redis-server (the reference of the ratios above)',
      unit: '/s',
      bars: data.passes.map(pass => ({
        label: `${passName(pass)} · control`,
        value: Math.round(pass.control.perSecond.median),
        group: pass.operation,
      })),
    }),
  ]
}

function passName(pass: TopologyPass): string {
  return `${pass.operation} × ${pass.processes} proc`
}

function clusterOf(pass: TopologyPass, primaries: number): ClusterArm | undefined {
  return pass.clusters.find(candidate => candidate.primaries === primaries)
}

function rateHeaders(data: TopologySection): string[] {
  return [
    'operation',
    'processes',
    'raw control /s (plain server)',
    'backend, plain server /s',
    ...data.settings.primaries.map(count => `${primariesName(count)} /s`),
    'applied',
  ]
}

function rateRows(data: TopologySection): CellInput[][] {
  return data.passes.map(pass => [
    pass.operation,
    { text: String(pass.processes), numeric: true },
    rateCell(pass.control.perSecond),
    rateCell(pass.backendSingle.perSecond),
    ...data.settings.primaries.map(count => {
      const arm = clusterOf(pass, count)
      return arm === undefined ? '' : rateCell(arm.perSecond)
    }),
    appliedCell([
      { target: 'control', arm: pass.control },
      { target: 'backend, plain server', arm: pass.backendSingle },
      ...pass.clusters.map(arm => ({ target: primariesName(arm.primaries), arm })),
    ]),
  ])
}

function ratioHeaders(data: TopologySection): string[] {
  return [
    'operation',
    'processes',
    'backend, plain ÷ control',
    ...data.settings.primaries.map(count => `@${count} ÷ control`),
    ...data.settings.primaries.map(count => `cluster cost @${count}`),
  ]
}

function ratioRows(data: TopologySection): CellInput[][] {
  const perSize = (pass: TopologyPass, pick: (arm: ClusterArm) => RoundStat) =>
    data.settings.primaries.map(count => {
      const arm = clusterOf(pass, count)
      return arm === undefined ? '' : ratioCell(pick(arm))
    })
  return data.passes.map(pass => [
    pass.operation,
    { text: String(pass.processes), numeric: true },
    ratioCell(pass.backendSingle.ratioToControl),
    ...perSize(pass, arm => arm.ratioToControl),
    ...perSize(pass, arm => arm.ratioToBackendSingle),
  ])
}

function rateCell(stat: RoundStat): CellInput {
  return { text: `${whole(stat.median)} (${whole(stat.min)}–${whole(stat.max)})`, numeric: true }
}

function whole(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

function ratioCell(stat: RoundStat): CellInput {
  return { text: `${stat.median.toFixed(2)} (${stat.min.toFixed(2)}–${stat.max.toFixed(2)})`, numeric: true }
}

/** ✅ when every arm's check came out exact, ❌ naming the first arm that did not and how. */
function appliedCell(arms: ReadonlyArray<{ target: string; arm: TopologyArm }>): CellInput {
  const wrong = arms.find(({ arm }) => arm.applied.roundsOff > 0)
  if (wrong !== undefined)
    return { text: `${wrong.target}: ${offText(wrong.arm.applied)}`, status: 'not-met' }
  const checks = arms.map(({ arm }) => arm.applied)
  const reported = checks.reduce((sum, check) => sum + check.reported, 0).toLocaleString('en-US')
  const sampled = checks.reduce((sum, check) => sum + (check.kind === 'read-back' ? check.sampled : 0), 0)
  return {
    text:
      checks[0]?.kind === 'read-back'
        ? `exact (${reported} stored, all found; ${sampled.toLocaleString('en-US')} read back)`
        : `exact (${reported} counted back)`,
    status: 'met',
  }
}

/** What an inexact check found, in words. */
function offText(check: AppliedCheck): string {
  if (check.kind === 'counted') return `counters hold ${check.counted} for ${check.reported} reported`
  const found =
    check.found === check.reported ? [] : [`${check.found} results found for ${check.reported} reported`]
  const wrong =
    check.wrong === 0
      ? []
      : [`${check.wrong} of ${check.sampled} read back wrong (${check.firstWrong ?? ''})`]
  return [...found, ...wrong].join('; ')
}

const cpuHeaders = [
  'operation',
  'processes',
  'target',
  'ops/s',
  'server CPU (cores)',
  'client CPU (cores)',
  'server + client',
  'machine busy (cores)',
  'server µs/op',
  'client µs/op',
  'applied',
]

function cpuRows(data: TopologySection): CellInput[][] {
  const number = (value: number, digits: number): CellInput => ({
    text: value.toFixed(digits),
    numeric: true,
  })
  return data.passes.flatMap(pass =>
    [
      { target: 'raw control (plain)', arm: pass.control as TopologyArm },
      { target: 'backend, plain server', arm: pass.backendSingle as TopologyArm },
      ...pass.clusters.map(arm => ({
        target: `${primariesName(arm.primaries)} (${arm.nodes} node${arm.nodes === 1 ? '' : 's'})`,
        arm,
      })),
    ].map(({ target, arm }) => [
      pass.operation,
      { text: String(pass.processes), numeric: true },
      target,
      { text: whole(arm.perSecond.median), numeric: true },
      number(arm.serverCpuCores.median, 2),
      number(arm.clientCpuCores.median, 2),
      number(arm.serverCpuCores.median + arm.clientCpuCores.median, 2),
      number(arm.machineBusyCores.median, 2),
      number(arm.serverCpuUsPerOp.median, 1),
      number(arm.clientCpuUsPerOp.median, 1),
      appliedText(arm.applied),
    ]),
  )
}

function appliedText(check: AppliedCheck): CellInput {
  if (check.roundsOff > 0)
    return { text: `${offText(check)} (${check.roundsOff} rounds off)`, status: 'not-met' }
  return check.kind === 'counted'
    ? { text: `${check.counted} = ${check.reported}`, status: 'met' }
    : { text: `${check.found} = ${check.reported}, ${check.sampled} read back`, status: 'met' }
}
