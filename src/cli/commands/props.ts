import { parseArgs } from 'node:util'
import {
  propertyDefinitions,
  runPropertySuite,
  type SuiteEvent,
  selectProperties,
  summariseRedis,
} from '../../../property-tests/suite.ts'
import { describeCheck } from '../../../property-tests/support/check-property.ts'
import { type Profile, profiles } from '../../../property-tests/support/definition.ts'
import { barrierNames } from '../../backend/barrier/index.ts'
import { finishRun, runDirectory, startRun } from '../../report/run-results.ts'
import {
  isBadVerdict,
  type PropsCheck,
  propsSection,
  propsSectionVersion,
} from '../../report/sections/props.ts'
import { writeReport } from '../../report/write-report.ts'
import { UsageError, wholeNumber } from '../arguments.ts'
import type { Command } from '../command.ts'

export const propsCommand: Command = {
  name: 'props',
  help: `property-based chord and codec checks (fast-check) against real redis-server
  --profile quick|deep (quick)  --runs N  --seed N  --path P  --replay-path R
  --property ID  --barrier ${barrierNames.join('|')}  --variant NAME  --out DIR (reports)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        profile: { type: 'string', default: 'quick' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        path: { type: 'string' },
        'replay-path': { type: 'string' },
        property: { type: 'string' },
        barrier: { type: 'string' },
        variant: { type: 'string' },
        out: { type: 'string', default: 'reports' },
      },
    })
    const profile = values.profile as Profile
    if (!profiles.includes(profile)) throw new UsageError(`--profile must be one of ${profiles.join(', ')}`)
    if (values.barrier !== undefined && !(barrierNames as string[]).includes(values.barrier)) {
      throw new UsageError(`--barrier must be one of ${barrierNames.join(', ')}`)
    }
    if (values.barrier !== undefined && values.variant !== undefined && values.barrier !== values.variant) {
      throw new UsageError('--barrier and --variant name the same thing; give one')
    }
    const ids = propertyDefinitions.map(definition => definition.id)
    if (values.property !== undefined && !ids.includes(values.property)) {
      throw new UsageError(`--property must be one of ${ids.join(', ')}`)
    }
    const variant = values.barrier ?? values.variant
    const options = {
      profile,
      ...(values.runs === undefined ? {} : { runs: wholeNumber(values.runs, '--runs', 1) }),
      ...(values.seed === undefined ? {} : { seed: seedNumber(values.seed) }),
      ...(values.path === undefined ? {} : { path: values.path }),
      ...(values['replay-path'] === undefined ? {} : { replayPath: values['replay-path'] }),
      ...(values.property === undefined ? {} : { property: values.property }),
      ...(variant === undefined ? {} : { variant }),
    }
    const selected = selectProperties(options)
    const checkCount = selected.reduce((sum, each) => sum + each.variants.length, 0)
    if (checkCount === 0) throw new UsageError('nothing to run: no property has a variant of that name')
    if (options.path !== undefined && (checkCount !== 1 || options.seed === undefined)) {
      throw new UsageError(
        '--path replays one check: give --seed, --property and --variant (or --barrier) too',
      )
    }

    const startedAt = new Date()
    const { checks, redis } = await runPropertySuite(options, progressPrinter())
    let results = startRun({ suite: 'props', profile, redis: summariseRedis(redis), now: startedAt })
    results.sections.props = {
      version: propsSectionVersion,
      profile,
      seed: options.seed ?? null,
      checks,
    }
    results = finishRun(results)
    const renderers = [propsSection]
    const report = writeReport(runDirectory(results, values.out), results, renderers)

    console.log(`\n${checks.length} checks (profile ${profile}):`)
    for (const check of checks) console.log(checkLine(check))
    for (const check of checks.filter(each => each.error !== null)) console.log(`\n${describeCheck(check)}`)
    console.log(`\nReport: ${report.summaryFile} and ${report.pageFile}`)
    const bad = checks.filter(check => isBadVerdict(check.verdict))
    if (bad.length > 0) {
      console.log(
        `NOT OK: ${bad.map(check => `${check.property} × ${check.variant} ${check.verdict}`).join('; ')}`,
      )
      return 1
    }
    console.log('OK: every real implementation held and every broken variant was caught.')
    return 0
  },
}

/** fast-check seeds are 32-bit signed integers, as it prints them. */
function seedNumber(text: string): number {
  const seed = Number(text)
  if (!Number.isSafeInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    throw new UsageError('--seed must be a whole number, as fast-check printed it')
  }
  return seed
}

function checkLine(check: PropsCheck): string {
  const mark = isBadVerdict(check.verdict) ? '✗' : '✓'
  const seconds = (check.durationMs / 1000).toFixed(1)
  return `  ${mark} ${check.verdict.padEnd(10)} ${`${check.property} × ${check.variant}`.padEnd(48)} ${String(check.runs).padStart(5)} runs ${String(check.shrinks).padStart(4)} shrinks ${seconds.padStart(6)} s  seed ${check.seed}`
}

/** A live line on a terminal; in CI (or when stderr is not a terminal) one plain line per check. */
function progressPrinter(): (event: SuiteEvent) => void {
  const live = process.stderr.isTTY === true && !process.env.CI
  let current = ''
  let runs = 0
  let lastDraw = 0
  return event => {
    switch (event.type) {
      case 'skipped':
        console.error(`props: skipped ${event.property} × ${event.variant}: ${event.reason}`)
        return
      case 'check-start':
        current = `[${event.position}/${event.count}] ${event.property} × ${event.variant}`
        runs = event.runs
        if (live) process.stderr.write(`\r\x1b[K${current}`)
        else console.error(`props: ${current} …`)
        return
      case 'execution': {
        const now = Date.now()
        if (!live || now - lastDraw < 100) return
        lastDraw = now
        process.stderr.write(
          `\r\x1b[K${current}: ${event.executions} executions (${runs} cases, then shrinking if one fails)`,
        )
        return
      }
      case 'check-end': {
        const { check } = event
        const line = `props: [${event.position}/${event.count}] ${check.property} × ${check.variant}: ${check.verdict} (${check.runs} runs, ${check.shrinks} shrinks, ${Math.round(check.durationMs)} ms)`
        if (live) process.stderr.write(`\r\x1b[K${line}\n`)
        else console.error(line)
        return
      }
    }
  }
}
