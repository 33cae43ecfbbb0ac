import { BackendError } from '../backend/errors.ts'
import { UsageError } from './arguments.ts'
import type { Command } from './command.ts'
import { benchCommand } from './commands/bench.ts'
import { chaosCommand } from './commands/chaos.ts'
import { demoCommand } from './commands/demo.ts'
import { propsCommand } from './commands/props.ts'
import { toxiproxyCommand } from './commands/toxiproxy.ts'

const commands: Command[] = [demoCommand, benchCommand, propsCommand, chaosCommand, toxiproxyCommand]

function usage(): string {
  const lines = commands.map(
    command => `  ${command.name.padEnd(9)} ${command.help.replace(/\n {2}/g, '\n            ')}`,
  )
  return `chordlab <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nSet REDIS_URL=redis://… (or rediss://) to run the suites against an existing Redis instead of one\nchordlab starts. The demo also takes the cluster and Sentinel forms (README, "URLs").`
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage())
    return name === undefined ? 2 : 0
  }
  const command = commands.find(candidate => candidate.name === name)
  if (!command) {
    console.error(`chordlab: unknown command "${name}"\n\n${usage()}`)
    return 2
  }
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
