import { fork } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { isBackendError, RedisResultBackend, type TaskResult } from '../src/index.ts'

/**
 * A small HTTP service over the backend, the way an API in front of a task system would use it:
 *
 *   GET  /noop                                   200, no Redis: the control route
 *   GET  /results/:taskId                        200 with the TaskMeta as JSON, 404 when absent
 *   PUT  /results/:taskId                        body: a TaskResult as JSON; 204 when stored
 *   POST /chords/:chordId/tasks/:taskId/complete 200 with the ChordProgress as JSON
 *
 * It runs in a child process of its own (see startHttpService), so the load generator and the
 * service each get an event loop, as they would in production.
 */

export interface HttpServiceConfig {
  redisUrl: string
  namespace: string
  /** Results stored by PUT expire after this many seconds. */
  ttlSeconds: number
}

export interface StartedHttpService extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  origin: string
  stop(): Promise<void>
}

const startTimeoutMs = 15_000

/** Forks this file as a service process and resolves once it listens on a loopback port. */
export async function startHttpService(config: HttpServiceConfig): Promise<StartedHttpService> {
  // The child runs TypeScript: load tsx from chordlab's own dependencies, wherever the cwd is.
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', tsxLoader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  // Over IPC rather than argv: the Redis URL may hold a password, and argv shows in `ps`.
  child.send({ config })
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await exited
  }
  try {
    const port = await waitForPort(child)
    return { origin: `http://127.0.0.1:${port}`, stop, [Symbol.asyncDispose]: stop }
  } catch (error) {
    await stop()
    throw error
  }
}

async function waitForPort(child: ReturnType<typeof fork>): Promise<number> {
  const timeout = AbortSignal.timeout(startTimeoutMs)
  const exited = once(child, 'exit', { signal: timeout }).then(([code]) => {
    throw new Error(`the HTTP service exited with code ${String(code)} before it listened`)
  })
  const listening = once(child, 'message', { signal: timeout }).then(([message]) => {
    const port = (message as { port?: unknown }).port
    if (typeof port !== 'number')
      throw new Error(`the HTTP service sent ${JSON.stringify(message)}, not its port`)
    return port
  })
  try {
    return await Promise.race([listening, exited])
  } catch (error) {
    if (timeout.aborted) throw new Error(`the HTTP service did not listen within ${startTimeoutMs} ms`)
    throw error
  } finally {
    // Settle the loser quietly: the race already has its answer.
    exited.catch(() => {})
    listening.catch(() => {})
  }
}

/** The service itself, in the child process. */
async function serve(config: HttpServiceConfig): Promise<void> {
  const backend = new RedisResultBackend(config.redisUrl, {
    namespace: config.namespace,
    resultTtlSeconds: config.ttlSeconds,
    chordTtlSeconds: config.ttlSeconds,
  })
  const server = createServer((request, response) => {
    handle(backend, request, response).catch((error: unknown) => {
      const status = isBackendError(error, 'NotFound')
        ? 404
        : isBackendError(error, 'InvalidInput')
          ? 400
          : 500
      reply(response, status, { error: error instanceof Error ? error.message : String(error) })
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the HTTP service has no TCP port')
  const shutdown = () => {
    server.closeAllConnections()
    server.close()
    void backend.close().finally(() => process.exit(0))
  }
  process.on('SIGTERM', shutdown)
  // The parent is gone (crashed, killed): do not outlive it.
  process.on('disconnect', shutdown)
  process.send?.({ port: address.port })
}

async function handle(backend: RedisResultBackend, request: IncomingMessage, response: ServerResponse) {
  const path = request.url ?? '/'
  if (request.method === 'GET' && path === '/noop') return reply(response, 200, { ok: true })
  const result = /^\/results\/([^/]+)$/.exec(path)
  if (result?.[1] !== undefined) {
    const taskId = decodeURIComponent(result[1])
    if (request.method === 'GET') {
      const meta = await backend.getResult(taskId)
      return meta === null ? reply(response, 404, { error: 'no such result' }) : reply(response, 200, meta)
    }
    if (request.method === 'PUT') {
      const body = JSON.parse(await readBody(request)) as TaskResult
      const now = new Date()
      await backend.storeResult({
        taskId,
        taskName: 'tasks.http',
        result: body,
        createdAt: now,
        startedAt: now,
        completedAt: now,
        worker: 'http',
      })
      return reply(response, 204)
    }
  }
  const completion = /^\/chords\/([^/]+)\/tasks\/([^/]+)\/complete$/.exec(path)
  if (request.method === 'POST' && completion?.[1] !== undefined && completion[2] !== undefined) {
    const progress = await backend.chordCompleteTask(
      decodeURIComponent(completion[1]),
      decodeURIComponent(completion[2]),
    )
    return reply(response, 200, progress)
  }
  return reply(response, 404, { error: `no route for ${request.method} ${path}` })
}

function reply(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end()
    return
  }
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  response.end(text)
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send !== undefined) {
  const [message] = await once(process, 'message')
  await serve((message as { config: HttpServiceConfig }).config)
}
