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

export const topologySection: SectionRenderer<TopologySection> = {
  id: 'topology',
  title: 'Topology: Redis Cluster sizes against one plain redis-server',
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
      'Where the CPU went (medians over rounds; cores are CPU-seconds per wall second):',
      '',
      markdownTable(cpuHeaders, cpuRows(data)),
      '',
      ...limitLines(data),
      '',
      ...methodLines(data),
    ].join('\n')
  },
  html(data) {
    const byClusterSize = (title: string, yLabel: string, value: (arm: ClusterArm) => number) =>
      lineChart({
        title,
        xLabel: 'primaries',
        yLabel,
        xTicks: data.settings.primaries.map((count): [number, string] => [count, `${count}`]),
        series: data.passes.map(pass => ({
          name: passName(pass),
          points: pass.clusters.map((arm): [number, number] => [arm.primaries, value(arm)]),
        })),
      })
    const rates = byClusterSize(
      'ops/s against cluster size (median of rounds); one line per operation × client processes',
      'ops/s',
      arm => arm.perSecond.median,
    )
    const ratios = byClusterSize(
      'Ratio to the plain redis-server raw control of the same pass (median of per-round ratios)',
      'cluster / control',
      arm => arm.ratioToControl.median,
    )
    const controls = barChart({
      title: 'The raw control on one plain redis-server (the reference for each line above)',
      unit: '/s',
      bars: data.passes.map(pass => ({
        label: `${passName(pass)} · control`,
        value: Math.round(pass.control.perSecond.median),
        group: pass.operation,
      })),
    })
    return [
      `<p>${escapeHtml(intro(data))}</p>`,
      htmlTable(rateHeaders(data), rateRows(data)),
      rates,
      ratios,
      controls,
      '<p>Where the CPU went (medians over rounds; cores are CPU-seconds per wall second):</p>',
      htmlTable(cpuHeaders, cpuRows(data)),
      `<ul>${limitLines(data)
        .map(line => `<li>${escapeHtml(line.replace(/^- /, ''))}</li>`)
        .join('')}</ul>`,
      `<ul>${methodLines(data)
        .map(line => `<li>${escapeHtml(line.replace(/^- /, ''))}</li>`)
        .join('')}</ul>`,
    ].join('\n')
  },
}

function intro({ profile, redisVersion, settings }: TopologySection): string {
  const replicas =
    settings.replicasPerPrimary === 0
      ? 'no replicas'
      : `${settings.replicasPerPrimary} replica${settings.replicasPerPrimary === 1 ? '' : 's'} per primary`
  return (
    `Profile ${profile}, Redis ${redisVersion}, ${settings.cores} cores, clusters with ${replicas}, no persistence. ` +
    `${settings.rounds} rounds of ${settings.roundMs} ms; every round runs each cluster and the control once, in rotated order. ` +
    'Figures: median of rounds (range min–max); ratio: the median of per-round ratios to the control.' +
    (settings.barrier === 'reference' && settings.redeliverEvery === 0
      ? ''
      : ` Test run: barrier ${settings.barrier}, every ${settings.redeliverEvery}th completion re-delivered.`)
  )
}

function passName(pass: TopologyPass): string {
  return `${pass.operation} × ${pass.processes} proc`
}

function rateHeaders(data: TopologySection): string[] {
  return [
    'operation',
    'processes',
    'control /s (plain redis-server)',
    ...data.settings.primaries.map(count => `${count} primar${count === 1 ? 'y' : 'ies'} /s`),
    ...data.settings.primaries.map(count => `ratio @${count}`),
    'applied',
  ]
}

function rateRows(data: TopologySection): CellInput[][] {
  return data.passes.map(pass => [
    pass.operation,
    { text: String(pass.processes), numeric: true },
    rateCell(pass.control.perSecond),
    ...data.settings.primaries.map(count => {
      const arm = pass.clusters.find(candidate => candidate.primaries === count)
      return arm === undefined ? '' : rateCell(arm.perSecond)
    }),
    ...data.settings.primaries.map(count => {
      const arm = pass.clusters.find(candidate => candidate.primaries === count)
      return arm === undefined ? '' : ratioCell(arm.ratioToControl)
    }),
    appliedCell([pass.control, ...pass.clusters]),
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

/** ✅ when every counted arm's counters hold exactly the completions reported, ❌ naming the first that does not. */
function appliedCell(arms: readonly TopologyArm[]): CellInput {
  const counted = arms.flatMap(arm => (arm.applied.kind === 'counted' ? [arm.applied] : []))
  if (counted.length === 0) return { text: 'not counted', status: 'info' }
  const wrong = counted.find(check => check.roundsOff > 0)
  if (wrong === undefined) {
    const total = counted.reduce((sum, check) => sum + check.reported, 0)
    return { text: `exact (${total.toLocaleString('en')} counted back)`, status: 'met' }
  }
  return { text: `counters hold ${wrong.counted} for ${wrong.reported} reported`, status: 'not-met' }
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
      { target: 'control (plain)', arm: pass.control as TopologyArm },
      ...pass.clusters.map(arm => ({
        target: `${arm.primaries} primar${arm.primaries === 1 ? 'y' : 'ies'} (${arm.nodes} node${arm.nodes === 1 ? '' : 's'})`,
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
  if (check.kind === 'not-checked') return { text: 'not counted', status: 'info' }
  return check.roundsOff === 0
    ? { text: `${check.counted} = ${check.reported}`, status: 'met' }
    : { text: `${check.counted} ≠ ${check.reported} (${check.roundsOff} rounds off)`, status: 'not-met' }
}

/**
 * What the machine limited, from this run's figures: per operation, the client's CPU per op
 * against all redis-servers' together, and how many of the machine's cores the two (and
 * everything else running) kept busy. Ranges go over the cluster arms of every pass.
 */
function limitLines(data: TopologySection): string[] {
  const operations = [...new Set(data.passes.map(pass => pass.operation))]
  return operations.map(operation => {
    const arms = data.passes.filter(pass => pass.operation === operation).flatMap(pass => pass.clusters)
    const range = (pick: (arm: TopologyArm) => number, digits: number) => {
      const values = arms.map(pick)
      return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`
    }
    return (
      `- ${operation} on the clusters: client CPU ${range(arm => arm.clientCpuUsPerOp.median, 1)} µs per op against ` +
      `${range(arm => arm.serverCpuUsPerOp.median, 1)} µs of redis-server CPU (all nodes), ` +
      `${range(arm => arm.clientCpuUsPerOp.median / arm.serverCpuUsPerOp.median, 1)}× as much; ` +
      `server + client kept ${range(arm => arm.serverCpuCores.median + arm.clientCpuCores.median, 2)} of ` +
      `${data.settings.cores} cores busy, the whole machine ${range(arm => arm.machineBusyCores.median, 2)} (other processes included).`
    )
  })
}

function methodLines(data: TopologySection): string[] {
  const seen = new Set<string>()
  return data.passes.flatMap(pass => {
    if (seen.has(pass.operation)) return []
    seen.add(pass.operation)
    return [`- ${pass.operation}: ${pass.method}. Control: ${pass.control.method}.`]
  })
}
