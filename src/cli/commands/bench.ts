import { appendFileSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { addPeersSection, peersSuiteId } from '../../../bench/peers/peers-results.ts'
import {
  type BenchProfile,
  type BenchProfileName,
  benchProfileNames,
  benchProfiles,
} from '../../../bench/profiles.ts'
import { runBench } from '../../../bench/run-bench.ts'
import { addTopologySection, topologyNames } from '../../../bench/topology/topology-results.ts'
import { parseTopologyUrl } from '../../backend/target-url.ts'
import { redactUrl } from '../../index.ts'
import { compareWithBaseline, defaultMaxRegressionPercent, gateLines } from '../../report/baseline.ts'
import { runDirectory } from '../../report/run-results.ts'
import type { RunResults } from '../../report/schema.ts'
import { benchSection } from '../../report/sections/bench.ts'
import { type BenchSuiteId, benchSuiteIds } from '../../report/sections/bench-data.ts'
import { peersSection } from '../../report/sections/peers.ts'
import { topologySection } from '../../report/sections/topology.ts'
import { writeReport } from '../../report/write-report.ts'
import { oneOf, UsageError, wholeNumber } from '../arguments.ts'
import type { Command } from '../command.ts'
import { progressPrinter } from '../progress.ts'

/** Exit codes: 0 ran (and passed the gate), 1 a gated figure regressed, 2 usage or an incomparable baseline. */
const exitRegressed = 1
const exitIncomparable = 2

export const benchCommand: Command = {
  name: 'bench',
  help: `latency and throughput benchmarks: backend vs raw Redis, HTTP, persistence, the spec's claims
  --profile quick|full (quick)  --suite ${benchSuiteIds.join(',')} (all)  --concurrency N (profile's)
  --suite peers: chordlab vs BullMQ flows, Celery, the spec's INCR (only when named; own redis-server)
  --topology single|cluster (single)  cluster: storeResults and completions on 1, 3, 6 primaries
    against a plain redis-server, 1 and 4 processes (own servers; other suites only if --suite names them)
    --replicas N (0): replicas per primary
  --redis-url URL (REDIS_URL; skips persistence)  --out DIR (reports)
  --baseline results.json  --max-regression PCT (${defaultMaxRegressionPercent})`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        profile: { type: 'string', default: 'quick' },
        suite: { type: 'string' },
        concurrency: { type: 'string' },
        'redis-url': { type: 'string' },
        out: { type: 'string', default: 'reports' },
        baseline: { type: 'string' },
        'max-regression': { type: 'string', default: String(defaultMaxRegressionPercent) },
        topology: { type: 'string', default: 'single' },
        replicas: { type: 'string' },
      },
    })
    const profile = chosenProfile(values.profile, values.concurrency)
    const topology = oneOf(values.topology, topologyNames, '--topology')
    if (values.replicas !== undefined && topology !== 'cluster')
      throw new UsageError('--replicas goes with --topology cluster')
    const replicasPerPrimary = wholeNumber(values.replicas ?? '0', '--replicas', 0)
    const { benchList, peers } = splitPeersSuite(values.suite)
    // --topology cluster runs the cluster sweep alone, unless --suite names other suites as well.
    const suites =
      benchList === '' || (topology === 'cluster' && benchList === undefined) ? [] : chosenSuites(benchList)
    const maxRegressionPercent = percent(values['max-regression'])
    // Read the baseline first: a wrong path should fail in a second, not after the whole run.
    const baseline = values.baseline === undefined ? undefined : readBaseline(values.baseline)
    if (values['redis-url'] !== undefined && suites.length === 0) {
      throw new UsageError(
        '--redis-url is for the single-server suites; --topology cluster and --suite peers start their own servers',
      )
    }
    const redisUrl =
      suites.length === 0 ? undefined : (values['redis-url'] ?? (process.env.REDIS_URL || undefined))
    if (redisUrl !== undefined && parseTopologyUrl(redisUrl) !== undefined) {
      throw new UsageError(
        'the single-server suites take a redis:// or rediss:// URL; --topology cluster benches clusters it starts',
      )
    }

    const progress = progressPrinter()
    const results = await (async (): Promise<RunResults> => {
      const bench =
        suites.length === 0
          ? undefined
          : await runBench({
              profile,
              suites,
              ...(redisUrl === undefined ? {} : { redisUrl }),
              progress: progress.line,
            })
      const withPeers = peers ? await addPeersSection(bench, profile.name, progress.line) : bench
      const withTopology =
        topology === 'cluster'
          ? await addTopologySection(withPeers, {
              profileName: profile.name,
              replicasPerPrimary,
              progress: progress.line,
            })
          : withPeers
      if (withTopology === undefined) throw new UsageError('--suite names no suite')
      return withTopology
    })().finally(progress.done)
    const renderers = [
      ...(suites.length > 0 ? [benchSection] : []),
      ...(peers ? [peersSection] : []),
      ...(topology === 'cluster' ? [topologySection] : []),
    ]
    const report = writeReport(runDirectory(results, values.out), results, renderers)
    console.log(`report: ${report.pageFile}\nresults: ${report.resultsFile}\nsummary: ${report.summaryFile}`)
    if (redisUrl !== undefined) console.log(`ran against ${redactUrl(redisUrl)}`)

    if (baseline === undefined) return 0
    const outcome = compareWithBaseline(baseline.json, results, { maxRegressionPercent })
    const lines = gateLines(outcome, baseline.path, maxRegressionPercent)
    const print = outcome.kind === 'passed' ? console.log : console.error
    for (const line of lines) print(`baseline gate: ${line}`)
    appendFileSync(report.summaryFile, `\n## Baseline gate\n\n\`\`\`text\n${lines.join('\n')}\n\`\`\`\n`)
    if (outcome.kind === 'incomparable') return exitIncomparable
    return outcome.kind === 'regressed' ? exitRegressed : 0
  },
}

function chosenProfile(name: string, concurrency: string | undefined): BenchProfile {
  if (!(benchProfileNames as string[]).includes(name)) {
    throw new UsageError(`--profile must be one of ${benchProfileNames.join(', ')}`)
  }
  const profile: BenchProfile = benchProfiles[name as BenchProfileName]
  if (concurrency === undefined) return profile
  return {
    ...profile,
    latency: { ...profile.latency, concurrency: wholeNumber(concurrency, '--concurrency', 2) },
  }
}

function chosenSuites(list: string | undefined): BenchSuiteId[] {
  if (list === undefined) return [...benchSuiteIds]
  const names = list.split(',').map(name => name.trim())
  const unknown = names.filter(name => !(benchSuiteIds as readonly string[]).includes(name))
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `--suite takes a comma-separated list of ${benchSuiteIds.join(', ')}; unknown: ${unknown.join(', ')}`,
    )
  }
  return names as BenchSuiteId[]
}

/**
 * Takes `peers` out of a `--suite` list (the peers suite runs apart from the others, on its own
 * redis-server); `benchList` is '' when nothing else was asked for.
 */
function splitPeersSuite(list: string | undefined): { benchList: string | undefined; peers: boolean } {
  if (list === undefined) return { benchList: undefined, peers: false }
  const names = list.split(',').map(name => name.trim())
  const others = names.filter(name => name !== peersSuiteId)
  return { benchList: others.join(','), peers: others.length < names.length }
}

function percent(text: string): number {
  const value = Number(text)
  if (!(value > 0)) throw new UsageError('--max-regression must be a percentage above 0, e.g. 35')
  return value
}

function readBaseline(path: string): { path: string; json: unknown } {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new UsageError(`--baseline ${path} cannot be read: ${(error as Error).message}`)
  }
  try {
    return { path, json: JSON.parse(text) }
  } catch {
    throw new UsageError(`--baseline ${path} is not JSON`)
  }
}
