import { BackendError } from '../backend/errors.ts'
import { UsageError } from './arguments.ts'
import type { Command } from './command.ts'

/**
 * Each command's module is loaded only when it runs (or for --help): the suites behind them are
 * large, and `chordlab toxiproxy` standing in for toxiproxy-server must answer within seconds.
 */
const commands: ReadonlyArray<{ name: string; load: () => Promise<Command> }> = [
  { name: 'demo', load: async () => (await import('./commands/demo.ts')).demoCommand },
  { name: 'bench', load: async () => (await import('./commands/bench.ts')).benchCommand },
  { name: 'props', load: async () => (await import('./commands/props.ts')).propsCommand },
  { name: 'chaos', load: async () => (await import('./commands/chaos.ts')).chaosCommand },
  { name: 'toxiproxy', load: async () => (await import('./commands/toxiproxy.ts')).toxiproxyCommand },
]

async function usage(): Promise<string> {
  const loaded = await Promise.all(commands.map(command => command.load()))
  const lines = loaded.map(
    command => `  ${command.name.padEnd(9)} ${command.help.replace(/\n {2}/g, '\n            ')}`,
  )
  return `chordlab <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nSet REDIS_URL=redis://… (or rediss://) to run the suites against an existing Redis instead of one\nchordlab starts. The demo also takes the cluster and Sentinel forms (README, "URLs").`
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage())
    return name === undefined ? 2 : 0
  }
  const entry = commands.find(candidate => candidate.name === name)
  if (!entry) {
    console.error(`chordlab: unknown command "${name}"\n\n${await usage()}`)
    return 2
  }
  const command = await entry.load()
  try {
    return await command.run(args)
  } catch (error) {
    // parseArgs reports unknown or malformed options as TypeErrors with an ERR_PARSE_ARGS_* code.
    const isParseError =
      error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
    if (error instanceof UsageError || isParseError) {
      console.error(`chordlab ${name}: ${(error as Error).message}`)
      return 2
    }
    // A Redis that cannot be reached, a refused password, a bad URL: one line, no stack trace.
    if (error instanceof BackendError) {
      console.error(`chordlab ${name}: ${error.message}`)
      return 1
    }
    throw error
  }
}

// A reader that stops early (`chordlab demo | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await main(process.argv.slice(2))
