import { parseArgs } from 'node:util'
import { runQuickstart } from '../../../examples/quickstart.ts'
import { rate, wholeNumber } from '../arguments.ts'
import type { Command } from '../command.ts'

export const demoCommand: Command = {
  name: 'demo',
  help: `start Redis, store and read results, race one chord through every barrier
  --tasks N (1000)  --workers N (32)  --duplicates RATE (0.3)  --seed N (1)`,
  async run(args) {
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
}
