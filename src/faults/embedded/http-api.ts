import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ApiError } from './api-error.ts'
import { parseJsonBody } from './json-body.ts'
import { PopulateError, type ProxyCollection } from './proxy-collection.ts'
import { toxicJson } from './toxic-entry.ts'

/** What a handler answers: a status and, unless 204, a JSON value. */
type Reply = { status: number; json?: unknown }

type Handler = (request: { params: string[]; body: () => Promise<unknown> }) => Promise<Reply>

interface Route {
  method: string
  /** Path segments; `*` matches one (decoded) segment, passed to the handler in order. */
  pattern: string[]
  handler: Handler
}

/** Requests larger than this are refused: the API's bodies are a few hundred bytes. */
const maxBodyBytes = 1024 * 1024

/**
 * The real server's HTTP API (`api.go`, routes and middleware as described in
 * ../shared/reference/toxiproxy-redis.md §1): same paths, methods, status codes, JSON shapes and
 * error bodies. Updates accept POST (what toxiproxy-node-client sends) and PATCH (the Go client).
 */
export function toxiproxyApi(proxies: ProxyCollection, version: string) {
  const ok = (json: unknown): Reply => ({ status: 200, json })
  /** 204 with no body once `change` is done. */
  const done = async (change: Promise<void>): Promise<Reply> => {
    await change
    return { status: 204 }
  }
  const routes: Route[] = [
    { method: 'POST', pattern: ['reset'], handler: () => done(proxies.reset()) },
    {
      method: 'GET',
      pattern: ['proxies'],
      handler: async () => ok(Object.fromEntries(proxies.all().map(proxy => [proxy.name, proxy.json()]))),
    },
    {
      method: 'POST',
      pattern: ['proxies'],
      handler: async ({ body }) => ({ status: 201, json: (await proxies.create(await body())).json() }),
    },
    {
      method: 'POST',
      pattern: ['populate'],
      handler: async ({ body }) => {
        const populated = await proxies.populate(await body())
        return { status: 201, json: { proxies: populated.map(proxy => proxy.json()) } }
      },
    },
    {
      method: 'GET',
      pattern: ['proxies', '*'],
      handler: async ({ params }) => ok(proxies.get(at(params, 0)).json()),
    },
    ...postOrPatch(['proxies', '*'], async ({ params, body }) =>
      ok((await proxies.update(at(params, 0), await body())).json()),
    ),
    {
      method: 'DELETE',
      pattern: ['proxies', '*'],
      handler: ({ params }) => done(proxies.remove(at(params, 0))),
    },
    {
      method: 'GET',
      pattern: ['proxies', '*', 'toxics'],
      handler: async ({ params }) => ok(proxies.get(at(params, 0)).toxics.json()),
    },
    {
      method: 'POST',
      pattern: ['proxies', '*', 'toxics'],
      // 200, not 201: the real server answers a created toxic with a plain OK.
      handler: async ({ params, body }) => {
        const toxics = proxies.get(at(params, 0)).toxics
        return ok(toxicJson(await toxics.add(await body())))
      },
    },
    {
      method: 'GET',
      pattern: ['proxies', '*', 'toxics', '*'],
      handler: async ({ params }) => ok(toxicJson(proxies.get(at(params, 0)).toxics.get(at(params, 1)))),
    },
    ...postOrPatch(['proxies', '*', 'toxics', '*'], async ({ params, body }) => {
      const toxics = proxies.get(at(params, 0)).toxics
      return ok(toxicJson(await toxics.update(at(params, 1), await body())))
    }),
    {
      method: 'DELETE',
      pattern: ['proxies', '*', 'toxics', '*'],
      handler: async ({ params }) => done(proxies.get(at(params, 0)).toxics.remove(at(params, 1))),
    },
  ]

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.setHeader('X-Toxiproxy-Request-Id', randomBytes(10).toString('hex'))
    try {
      await route(request, response)
    } catch (error) {
      sendError(response, error)
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers['user-agent']?.startsWith('Mozilla/')) {
      return sendText(response, 403, 'User agent not allowed\n')
    }
    const path = new URL(request.url ?? '/', 'http://toxiproxy').pathname
    if (request.method === 'GET' && path === '/version') {
      response.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' })
      response.end(`{"version": "${version}"}\n`)
      return
    }
    const segments = path
      .split('/')
      .slice(1)
      .map(segment => decodeURIComponent(segment))
    const matching = routes.filter(candidate => matches(candidate.pattern, segments))
    const found = matching.find(candidate => candidate.method === request.method)
    if (!found) {
      if (matching.length > 0 || path === '/version') return sendText(response, 405, '')
      return sendText(response, 404, '404 page not found\n')
    }
    const params = segments.filter((_, index) => found.pattern[index] === '*')
    const reply = await found.handler({ params, body: () => readJson(request) })
    if (reply.json === undefined) {
      response.writeHead(reply.status).end()
      return
    }
    response.writeHead(reply.status, { 'Content-Type': 'application/json' })
    response.end(JSON.stringify(reply.json))
  }
}

/** An update route: POST is what toxiproxy-node-client sends, PATCH what the Go client sends. */
function postOrPatch(pattern: string[], handler: Handler): Route[] {
  return ['POST', 'PATCH'].map(method => ({ method, pattern, handler }))
}

function at(params: string[], index: number): string {
  return params[index] ?? ''
}

function matches(pattern: string[], segments: string[]): boolean {
  return (
    pattern.length === segments.length &&
    pattern.every((part, index) => (part === '*' ? (segments[index] ?? '') !== '' : part === segments[index]))
  )
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = []
  let size = 0
  for await (const part of request) {
    size += (part as Buffer).length
    if (size > maxBodyBytes) throw new ApiError(413, 'request body too large')
    parts.push(part as Buffer)
  }
  return parseJsonBody(Buffer.concat(parts).toString('utf8'))
}

/** Go's http.Error: the JSON error, a newline, served as text/plain. */
function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy()
    return
  }
  const { status, message } =
    error instanceof ApiError || error instanceof PopulateError
      ? error
      : error instanceof URIError
        ? { status: 400, message: `bad request path: ${error.message}` }
        : { status: 500, message: error instanceof Error ? error.message : String(error) }
  const body: Record<string, unknown> = { error: message, status }
  if (error instanceof PopulateError) body.proxies = error.proxies?.map(proxy => proxy.json()) ?? null
  response.setHeader('X-Content-Type-Options', 'nosniff')
  sendText(response, status, `${JSON.stringify(body)}\n`)
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  response.end(text)
}
