import { parseArgs } from 'node:util'
import { runQuickstart } from '../../examples/quickstart.ts'

const usage = `chordlab <command> [options]

Commands:
  demo      start Redis, store and read results, race one chord through every barrier
            --tasks N (1000)  --workers N (32)  --duplicates RATE (0.3)  --seed N (1)
  bench     latency and throughput benchmarks (not yet)
  props     property-based chord tests (not yet)
  chaos     fault scenarios (not yet)

Set REDIS_URL to run against an existing Redis instead of one chordlab starts.`

type Command = (args: string[]) => Promise<number>

const commands: Record<string, Command> = {
  demo: async args => {
    const { values } = parseArgs({
      args,
      options: {
        tasks: { type: 'string', default: '1000' },
        workers: { type: 'string', default: '32' },
        duplicates: { type: 'string', default: '0.3' },
        seed: { type: 'string', default: '1' },
      },
    })
    const exact = await runQuickstart({
      tasks: wholeNumber(values.tasks, '--tasks', 1),
      workers: wholeNumber(values.workers, '--workers', 1),
      duplicateRate: rate(values.duplicates, '--duplicates'),
      seed: wholeNumber(values.seed, '--seed', 0),
      print: line => console.log(line),
    })
    return exact ? 0 : 1
  },
  bench: notYet('bench', 'issue 3'),
  props: notYet('props', 'issue 4'),
  chaos: notYet('chaos', 'issue 5'),
}

function notYet(name: string, where: string): Command {
  return async () => {
    console.error(`chordlab ${name}: not yet (planned in ${where})`)
    return 2
  }
}

class UsageError extends Error {}

function wholeNumber(text: string, flag: string, minimum: number): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < minimum)
    throw new UsageError(`${flag} must be a whole number >= ${minimum}`)
  return value
}

function rate(text: string, flag: string): number {
  const value = Number(text)
  if (!(value >= 0 && value <= 1)) throw new UsageError(`${flag} must be a number from 0 to 1`)
  return value
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage)
    return name === undefined ? 2 : 0
  }
  const command = commands[name]
  if (!command) {
    console.error(`chordlab: unknown command "${name}"\n\n${usage}`)
    return 2
  }
  try {
    return await command(args)
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      console.error(`chordlab ${name}: ${error.message}`)
      return 2
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
