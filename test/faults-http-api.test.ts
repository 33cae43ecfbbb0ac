import { Toxiproxy } from 'toxiproxy-node-client'
import { describe, expect, it, onTestFinished } from 'vitest'
import { EmbeddedToxiproxy, embeddedToxiproxyVersion } from '../src/faults/embedded/server.ts'
import { failureOf } from './support/errors.ts'

async function api() {
  const server = await new EmbeddedToxiproxy().start()
  onTestFinished(() => server.stop())
  return { url: server.url(), client: new Toxiproxy(server.url()) }
}

const upstream = '127.0.0.1:1'

describe('the embedded Toxiproxy HTTP API, driven through toxiproxy-node-client', () => {
  it('creates a proxy (201), resolves its listen address, lists and reads it back', async () => {
    const { url, client } = await api()
    const response = await fetch(`${url}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'redis', listen: '127.0.0.1:0', upstream }),
    })
    expect(response.status).toBe(201)
    expect(response.headers.get('content-type')).toBe('application/json')
    const created = (await response.json()) as Record<string, unknown>
    expect(Object.keys(created)).toEqual(['name', 'listen', 'upstream', 'enabled', 'toxics'])
    expect(created).toMatchObject({ name: 'redis', upstream, enabled: true, toxics: [] })
    expect(created.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/)

    const all = await client.getAll()
    expect(Object.keys(all)).toEqual(['redis'])
    expect(all.redis?.listen).toBe(created.listen)
    const one = await client.get('redis')
    expect(one.toJson()).toEqual({ name: 'redis', listen: created.listen, upstream, enabled: true })
  })

  it('refuses a duplicate name with 409, a missing proxy with 404, a missing field with 400', async () => {
    const { url, client } = await api()
    await client.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream })
    expect(
      ((await failureOf(client.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream }))) as Error)
        .message,
    ).toBe('Request failed with status code 409')
    expect(((await failureOf(client.get('nope'))) as Error).message).toBe(
      'Request failed with status code 404',
    )

    const missing = await fetch(`${url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'b' }) })
    expect(missing.status).toBe(400)
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await missing.text()).toBe('{"error":"missing required field: upstream","status":400}\n')

    const notJson = await fetch(`${url}/proxies`, { method: 'POST', body: '{' })
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { error: string }).error).toMatch(/^bad request body: /)
  })

  it('answers /version with the exact bytes of the real server', async () => {
    const { url, client } = await api()
    const response = await fetch(`${url}/version`)
    expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8')
    expect(await response.text()).toBe(`{"version": "${embeddedToxiproxyVersion}"}\n`)
    expect(await client.getVersion()).toBe(`{"version": "${embeddedToxiproxyVersion}"}\n`)
    expect(response.headers.get('x-toxiproxy-request-id')).toMatch(/^[0-9a-f]{20}$/)
  })

  it('fills toxic defaults, answers 200 (not 201), refuses duplicates, bad types and bad streams', async () => {
    const { url, client } = await api()
    const proxy = await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream })
    const raw = await fetch(`${url}/proxies/p/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'latency', attributes: { latency: 100 } }),
    })
    expect(raw.status).toBe(200)
    expect(await raw.json()).toEqual({
      attributes: { latency: 100, jitter: 0 },
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
    })
    const duplicate = proxy.addToxic({ type: 'latency', attributes: {} } as never)
    expect(((await failureOf(duplicate)) as Error).message).toBe('Request failed with status code 409')
    const down = await fetch(`${url}/proxies/p/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'down' }),
    })
    expect(await down.text()).toBe('{"error":"invalid toxic type","status":400}\n')
    const sideways = await fetch(`${url}/proxies/p/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'timeout', stream: 'sideways' }),
    })
    expect(sideways.status).toBe(400)
    const fraction = await fetch(`${url}/proxies/p/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'timeout', stream: 'UPSTREAM', attributes: { timeout: 1.5 } }),
    })
    expect(fraction.status).toBe(400)
    const upper = await proxy.addToxic({ type: 'timeout', stream: 'UPSTREAM' } as never)
    expect(upper.toJson()).toEqual({
      attributes: { timeout: 0 },
      name: 'timeout_UPSTREAM',
      type: 'timeout',
      stream: 'UPSTREAM',
      toxicity: 1,
    })
    // Upstream toxics are listed first, then downstream, each in the order they were added.
    const listed = (await (await fetch(`${url}/proxies/p/toxics`)).json()) as Array<{ name: string }>
    expect(listed.map(toxic => toxic.name)).toEqual(['timeout_UPSTREAM', 'latency_downstream'])
  })

  it('merges a toxic update, keeps name, type and stream, and removes with 204', async () => {
    const { url, client } = await api()
    const proxy = await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream })
    const toxic = await proxy.addToxic({
      name: 'slow',
      type: 'latency',
      stream: 'upstream',
      toxicity: 0.5,
      attributes: { latency: 10, jitter: 2 },
    })
    const updated = await toxic.update({
      attributes: { jitter: 7 },
      type: 'timeout',
      stream: 'downstream',
    } as never)
    expect(updated.toJson()).toEqual({
      attributes: { latency: 10, jitter: 7 },
      name: 'slow',
      type: 'latency',
      stream: 'upstream',
      toxicity: 0.5,
    })
    const patched = await fetch(`${url}/proxies/p/toxics/slow`, { method: 'PATCH', body: '{"toxicity":1}' })
    expect(((await patched.json()) as { toxicity: number }).toxicity).toBe(1)
    expect((await fetch(`${url}/proxies/p/toxics/slow`, { method: 'DELETE' })).status).toBe(204)
    expect(((await failureOf(proxy.getToxic('slow'))) as Error).message).toBe(
      'Request failed with status code 404',
    )
  })

  it('disables and re-enables a proxy on the same address, and deletes it with 204', async () => {
    const { url, client } = await api()
    const proxy = await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream })
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream })
    expect(disabled.enabled).toBe(false)
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream })
    expect(enabled.toJson()).toEqual({ name: 'p', listen: proxy.listen, upstream, enabled: true })
    const partial = await fetch(`${url}/proxies/p`, { method: 'PATCH', body: '{}' })
    expect(((await partial.json()) as { enabled: boolean }).enabled).toBe(true)
    expect((await fetch(`${url}/proxies/p`, { method: 'DELETE' })).status).toBe(204)
    expect(await client.getAll()).toEqual({})
  })

  it('populates: keeps a matching proxy with its toxics, replaces a changed one, answers {proxies: […]}', async () => {
    const { url, client } = await api()
    const kept = await client.createProxy({ name: 'kept', listen: '127.0.0.1:0', upstream })
    await kept.addToxic({ type: 'latency', attributes: { latency: 5, jitter: 0 } } as never)
    const populated = await client.populate([
      { name: 'kept', listen: kept.listen, upstream },
      { name: 'fresh', listen: '127.0.0.1:0', upstream },
    ])
    expect(Object.keys(populated).sort()).toEqual(['fresh', 'kept'])
    expect(populated.kept?.listen).toBe(kept.listen)
    const keptNow = (await (await fetch(`${url}/proxies/kept`)).json()) as { toxics: unknown[] }
    expect(keptNow.toxics).toHaveLength(1)

    const empty = await fetch(`${url}/populate`, { method: 'POST', body: '[]' })
    expect(empty.status).toBe(201)
    expect(await empty.json()).toEqual({ proxies: [] })
    const bad = await fetch(`${url}/populate`, {
      method: 'POST',
      body: '[{"name":"x","upstream":"a:1"},{"name":"y"}]',
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({
      error: 'missing required field: upstream at proxy 2',
      status: 400,
      proxies: null,
    })
    expect(Object.keys(await client.getAll()).sort()).toEqual(['fresh', 'kept'])
  })

  it('resets: every proxy enabled again, every toxic gone, no proxy deleted (body never read)', async () => {
    const { url, client } = await api()
    const proxy = await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream })
    await proxy.addToxic({ type: 'timeout', attributes: { timeout: 0 } } as never)
    await proxy.update({ enabled: false, listen: proxy.listen, upstream })
    const reset = await fetch(`${url}/reset`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'not json at all',
    })
    expect(reset.status).toBe(204)
    expect(await reset.text()).toBe('')
    await client.reset()
    const after = (await (await fetch(`${url}/proxies/p`)).json()) as { enabled: boolean; toxics: unknown[] }
    expect(after).toMatchObject({ enabled: true, toxics: [] })
  })

  it('blocks browsers, and answers unknown paths with 404 and wrong methods with 405', async () => {
    const { url } = await api()
    const browser = await fetch(`${url}/proxies`, { headers: { 'User-Agent': 'Mozilla/5.0 (X11)' } })
    expect(browser.status).toBe(403)
    expect(await browser.text()).toBe('User agent not allowed\n')
    const unknown = await fetch(`${url}/nothing/here`)
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toBe('404 page not found\n')
    expect((await fetch(`${url}/proxies`, { method: 'DELETE' })).status).toBe(405)
    expect((await fetch(`${url}/version`, { method: 'POST' })).status).toBe(405)
    // A path that does not decode is refused, and the server goes on answering.
    expect((await fetch(`${url}/proxies/%E0%A4%A`)).status).toBe(400)
    expect((await fetch(`${url}/proxies`)).status).toBe(200)
  })

  it('reports a listen address already in use as a 500 with the bind error', async () => {
    const { url, client } = await api()
    const first = await client.createProxy({ name: 'first', listen: '127.0.0.1:0', upstream })
    const response = await fetch(`${url}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'second', listen: first.listen, upstream }),
    })
    expect(response.status).toBe(500)
    expect(((await response.json()) as { error: string }).error).toMatch(
      /^listen tcp 127\.0\.0\.1:\d+: .*EADDRINUSE/,
    )
  })
})
