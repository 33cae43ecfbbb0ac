import { ratioAcrossRounds, roundStat } from '../src/measure/ratio.ts'
import type { ThroughputSuite, ThroughputWorkload } from '../src/report/sections/bench-data.ts'
import type { BenchTarget } from './bench-target.ts'
import { measureRates, prepareSteps } from './measure-rates.ts'
import type { BenchProfile } from './profiles.ts'
import { rateWorkloads } from './throughput-workloads.ts'

export interface ThroughputSuiteOptions {
  target: BenchTarget
  profile: BenchProfile
  progress: (line: string) => void
}

/** Results stored and chord tasks completed per second from this one process, against raw Redis. */
export async function runThroughputSuite(options: ThroughputSuiteOptions): Promise<ThroughputSuite> {
  const { rounds, roundMs } = options.profile.throughput
  const workloads = rateWorkloads(options.profile.throughput)
  const results: ThroughputWorkload[] = []
  for (const [index, workload] of workloads.entries()) {
    options.progress(`throughput: ${workload.workload} (${index + 1}/${workloads.length})`)
    const steps = await prepareSteps([
      { name: workload.workload, prepare: () => workload.subject.prepare(options.target) },
      { name: workload.control.name, prepare: () => workload.control.prepare(options.target) },
    ])
    const [subject = [], control = []] = await measureRates(steps, { rounds, roundMs })
    const subjectRates = subject.map(round => round.perSecond)
    const controlRates = control.map(round => round.perSecond)
    results.push({
      workload: workload.workload,
      method: workload.subject.method,
      unit: workload.unit,
      subject: roundStat(subjectRates),
      control: {
        name: workload.control.name,
        method: workload.control.method,
        perSecond: roundStat(controlRates),
      },
      ratio: ratioAcrossRounds(subjectRates, controlRates),
      ...(workload.targetPerSecond === undefined ? {} : { targetPerSecond: workload.targetPerSecond }),
    })
  }
  return { rounds, roundMs, workloads: results }
}
