import { parseArgs } from 'node:util'
import { type DemoRedis, runQuickstart } from '../../../examples/quickstart.ts'
import { oneOf, rate, UsageError, wholeNumber } from '../arguments.ts'
import type { Command } from '../command.ts'

export const demoCommand: Command = {
  name: 'demo',
  help: `start Redis, store and read results, race one chord through every barrier
  --topology single|cluster|sentinel (single): what chordlab starts for it
  --redis-url URL (REDIS_URL): run on this Redis instead; redis://, rediss://, unix://,
      redis+cluster://host:port,… or redis+sentinel://host:port,…/name (README, "URLs")
  --tasks N (1000)  --workers N (32)  --duplicates RATE (0.3)  --seed N (1)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        topology: { type: 'string' },
        'redis-url': { type: 'string' },
        tasks: { type: 'string', default: '1000' },
        workers: { type: 'string', default: '32' },
        duplicates: { type: 'string', default: '0.3' },
        seed: { type: 'string', default: '1' },
      },
    })
    const exact = await runQuickstart({
      redis: demoRedis(values.topology, values['redis-url'] ?? (process.env.REDIS_URL || undefined)),
      tasks: wholeNumber(values.tasks, '--tasks', 1),
      workers: wholeNumber(values.workers, '--workers', 1),
      duplicateRate: rate(values.duplicates, '--duplicates'),
      seed: wholeNumber(values.seed, '--seed', 0),
      print: line => console.log(line),
    })
    return exact ? 0 : 1
  },
}

const topologies = ['single', 'cluster', 'sentinel'] as const

function demoRedis(topology: string | undefined, url: string | undefined): DemoRedis {
  if (url === undefined)
    return { start: topology === undefined ? 'single' : oneOf(topology, topologies, '--topology') }
  if (topology !== undefined)
    throw new UsageError('give --topology (Redis chordlab starts) or a Redis URL, not both')
  return { url }
}
