// Run in a child process by redis-server-exit-cleanup.test.ts: starts a server, prints its pid and
// directory, and exits without stopping it, leaving the clean-up to the exit handler.
import { RedisServer } from '../../src/servers/index.ts'

const server = await new RedisServer().start()
process.stdout.write(`${JSON.stringify({ pid: server.pid, dir: server.dir })}\n`)
process.exit(0)
