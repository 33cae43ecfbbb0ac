import { parseArgs } from 'node:util'
import { runChaos } from '../../../chaos/run-chaos.ts'
import { chaosScenarioIds } from '../../../chaos/scenarios.ts'
import { chaosSizes } from '../../../chaos/support/scenario.ts'
import { providerOrder } from '../../faults/provider-chain.ts'
import type { ToxiproxyProviderKind } from '../../faults/started-toxiproxy.ts'
import { finishRun, runDirectory, startRun } from '../../report/run-results.ts'
import { chaosSection } from '../../report/sections/chaos.ts'
import { writeReport } from '../../report/write-report.ts'
import { oneOf, UsageError, wholeNumber } from '../arguments.ts'
import type { Command } from '../command.ts'
import { progressPrinter } from '../progress.ts'

const profiles = ['quick', 'full'] as const

export const chaosCommand: Command = {
  name: 'chaos',
  help: `fault scenarios (Toxiproxy, Redis kill/restart per persistence profile) judged by the history checker
  --scenario ${chaosScenarioIds.join(',')} (all)  --profile quick|full (quick)
  --redis local|docker (local)  --toxiproxy ${providerOrder.join('|')} (first that answers)
  --seed N (1)  --out DIR (reports)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        profile: { type: 'string', default: 'quick' },
        redis: { type: 'string', default: 'local' },
        toxiproxy: { type: 'string' },
        seed: { type: 'string', default: '1' },
        out: { type: 'string', default: 'reports' },
      },
    })
    const profile = oneOf(values.profile, profiles, '--profile')
    const redis = oneOf(values.redis, ['local', 'docker'] as const, '--redis')
    const toxiproxyFrom =
      values.toxiproxy === undefined ? undefined : oneOf(values.toxiproxy, providerOrder, '--toxiproxy')
    const scenarios = chosenScenarios(values.scenario)

    const startedAt = new Date()
    const progress = progressPrinter()
    const { section, redis: redisEnvironment } = await runChaos({
      size: chaosSizes[profile],
      scenarios,
      redis,
      toxiproxyFrom: toxiproxyFrom as ToxiproxyProviderKind | undefined,
      seed: wholeNumber(values.seed, '--seed', 0),
      progress: progress.line,
    }).finally(progress.done)
    let results = startRun({ suite: 'chaos', profile, redis: redisEnvironment, now: startedAt })
    results.sections.chaos = section
    results = finishRun(results)
    const report = writeReport(runDirectory(results, values.out), results, [chaosSection])

    console.log(`Toxiproxy: ${section.toxiproxy.description}`)
    for (const scenario of section.scenarios) {
      const seconds = (scenario.durationMs / 1000).toFixed(1)
      console.log(
        `${scenario.status === 'failed' ? '✗' : '✓'} ${scenario.status.padEnd(7)} ${scenario.id.padEnd(14)} ${seconds.padStart(6)} s`,
      )
      for (const expectation of scenario.expectations.filter(each => !each.met)) {
        console.log(`    not met: ${expectation.statement}: ${expectation.detail}`)
      }
      if (scenario.skipReason !== null) console.log(`    skipped: ${scenario.skipReason}`)
    }
    console.log(`\nReport: ${report.summaryFile} and ${report.pageFile}`)
    return section.scenarios.some(scenario => scenario.status === 'failed') ? 1 : 0
  },
}

function chosenScenarios(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined
  const names = list.split(',').map(name => name.trim())
  const unknown = names.filter(name => !chaosScenarioIds.includes(name))
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `--scenario takes a comma-separated list of ${chaosScenarioIds.join(', ')}; unknown: ${unknown.join(', ')}`,
    )
  }
  return names
}
