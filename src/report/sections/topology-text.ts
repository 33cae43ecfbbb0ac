import type { TopologyArm, TopologyOperation, TopologySection } from './topology-data.ts'

/** "1 primary", "3 primaries". */
export function primariesName(count: number): string {
  return `${count} primar${count === 1 ? 'y' : 'ies'}`
}

export function intro({ profile, redisVersion, settings }: TopologySection): string {
  const replicas =
    settings.replicasPerPrimary === 0
      ? 'no replicas'
      : `${settings.replicasPerPrimary} replica${settings.replicasPerPrimary === 1 ? '' : 's'} per primary`
  const testRun =
    settings.barrier === 'reference' && settings.redeliverEvery === 0 && settings.store === 'reference'
      ? ''
      : ` Test run: barrier ${settings.barrier}, every ${settings.redeliverEvery}th completion re-delivered, store ${settings.store}.`
  return (
    `Profile ${profile}, Redis ${redisVersion}, ${settings.cores} cores, clusters with ${replicas}, no persistence. ` +
    `${settings.rounds} rounds of ${settings.roundMs} ms; every round runs each cluster, the backend on the plain ` +
    'server and the raw control on that server once, in rotated order. ' +
    'Figures: median of rounds (range min–max). Applied: completions counted back from the counters; ' +
    `stores counted on the emptied target and ${settings.readBackSample.toLocaleString('en-US')} per round read back.` +
    testRun
  )
}

/** "a–b" over the values, with `digits` decimals ("a" when both ends round the same). */
function span(values: readonly number[], digits: number): string {
  const [low, high] = [Math.min(...values).toFixed(digits), Math.max(...values).toFixed(digits)]
  return low === high ? low : `${low}–${high}`
}

/**
 * What the machine limited and where the cost lies, from this run's figures, per operation (ranges
 * over the passes): the backend's own cost (on the plain server, against the raw control), what
 * the cluster adds (the clusters against the backend on the plain server), and the CPU the
 * clients, the redis-servers and everything else used.
 */
export function limitLines(data: TopologySection): string[] {
  const operations = [...new Set(data.passes.map(pass => pass.operation))]
  return operations.flatMap(operation => {
    const passes = data.passes.filter(pass => pass.operation === operation)
    const clusters = passes.flatMap(pass => pass.clusters)
    const over = (arms: readonly TopologyArm[], pick: (arm: TopologyArm) => number, digits: number) =>
      span(arms.map(pick), digits)
    const clientUs = (arm: TopologyArm) => arm.clientCpuUsPerOp.median
    const serverUs = (arm: TopologyArm) => arm.serverCpuUsPerOp.median
    const singles = passes.map(pass => pass.backendSingle)
    const controls = passes.map(pass => pass.control)
    return [
      `- ${operation}, the backend's own cost: on the plain server it ran at ` +
        `${span(
          singles.map(arm => arm.ratioToControl.median),
          2,
        )} of the raw control's rate, with ${over(singles, clientUs, 1)} µs of client CPU per op ` +
        `against ${over(controls, clientUs, 1)} µs raw (redis-server: ${over(singles, serverUs, 1)} against ${over(controls, serverUs, 1)} µs).`,
      `- ${operation}, what the cluster adds: the clusters ran at ${span(
        clusters.map(arm => arm.ratioToBackendSingle.median),
        2,
      )} of the backend on the plain server, with ${over(clusters, clientUs, 1)} µs of client CPU and ` +
        `${over(clusters, serverUs, 1)} µs of redis-server CPU (all nodes) per op.`,
      `- ${operation} on the clusters, the machine: client CPU ${over(clusters, clientUs, 1)} µs per op against ` +
        `${over(clusters, serverUs, 1)} µs of redis-server CPU, ` +
        `${over(clusters, arm => clientUs(arm) / serverUs(arm), 1)}× as much; ` +
        `server + client kept ${over(clusters, arm => arm.serverCpuCores.median + arm.clientCpuCores.median, 2)} of ` +
        `${data.settings.cores} cores busy, the whole machine ${over(clusters, arm => arm.machineBusyCores.median, 2)} (other processes included).`,
    ]
  })
}

export function methodLines(data: TopologySection): string[] {
  const seen = new Set<TopologyOperation>()
  return data.passes.flatMap(pass => {
    if (seen.has(pass.operation)) return []
    seen.add(pass.operation)
    return [`- ${pass.operation}: ${pass.method}. Control: ${pass.control.method}.`]
  })
}
