import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { EmbeddedToxiproxy, embeddedToxiproxyVersion } from '../../faults/embedded/server.ts'
import { wholeNumber } from '../arguments.ts'
import type { Command } from '../command.ts'

export const toxiproxyCommand: Command = {
  name: 'toxiproxy',
  help: `run the embedded Toxiproxy-compatible server until Ctrl-C (for toxiproxy-cli or any client)
  --port N (8474)  --host ADDRESS (127.0.0.1)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '8474' },
        host: { type: 'string', default: '127.0.0.1' },
      },
    })
    const server = await new EmbeddedToxiproxy({
      host: values.host,
      port: wholeNumber(values.port, '--port', 0),
    }).start()
    console.log(`Toxiproxy-compatible server ${embeddedToxiproxyVersion} listening on ${server.url()}`)
    const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]).then(([name]) =>
      String(name),
    )
    await server.stop()
    console.log(`stopped (${signal})`)
    return 0
  },
}
