import { apiErrors } from './api-error.ts'
import { asObject, booleanField, type JsonObject, stringField } from './json-body.ts'
import { ToxicProxy } from './proxy.ts'

interface ProxySettings {
  name: string
  listen: string
  upstream: string
  enabled: boolean
}

/** A populate that failed part-way: the error, and the proxies it had created or kept by then. */
export class PopulateError extends Error {
  override readonly name = 'PopulateError'
  readonly status: number
  /** Null when the request was refused before anything changed. */
  readonly proxies: ToxicProxy[] | null

  constructor(error: unknown, proxies: ToxicProxy[] | null) {
    super(error instanceof Error ? error.message : String(error))
    const status = (error as { status?: unknown }).status
    this.status = typeof status === 'number' ? status : 500
    this.proxies = proxies
  }
}

/** Every proxy of one server, by name (Go's `ProxyCollection`). */
export class ProxyCollection {
  readonly #proxies = new Map<string, ToxicProxy>()
  readonly #random: () => number

  constructor(random: () => number) {
    this.#random = random
  }

  all(): ToxicProxy[] {
    return [...this.#proxies.values()]
  }

  get(name: string): ToxicProxy {
    const proxy = this.#proxies.get(name)
    if (!proxy) throw apiErrors.proxyNotFound()
    return proxy
  }

  /** `POST /proxies`: name and upstream are required; an enabled proxy listens before the reply. */
  async create(body: unknown): Promise<ToxicProxy> {
    const settings = proxySettings(asObject(body, 'toxiproxy.ToxicProxy'), '')
    if (this.#proxies.has(settings.name)) throw apiErrors.proxyExists()
    return this.#add(settings)
  }

  /** `POST /proxies/{name}`: fields absent from the body keep their current values. */
  async update(name: string, body: unknown): Promise<ToxicProxy> {
    const proxy = this.get(name)
    const fields = asObject(body, 'toxiproxy.ToxicProxy')
    await proxy.update({
      listen: stringField(fields, 'listen', proxy.listen, 'ToxicProxy'),
      upstream: stringField(fields, 'upstream', proxy.upstream, 'ToxicProxy'),
      enabled: booleanField(fields, 'enabled', proxy.enabled, 'ToxicProxy'),
    })
    return proxy
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name)
    this.#proxies.delete(name)
    await proxy.stop()
  }

  /**
   * `POST /populate`: every entry is checked first (one bad entry changes nothing); then an entry
   * matching an existing proxy keeps it as it is, one that differs replaces it, a new one is
   * created. Proxies not listed are left alone.
   */
  async populate(body: unknown): Promise<ToxicProxy[]> {
    let entries: ProxySettings[]
    try {
      if (!Array.isArray(body)) {
        throw apiErrors.badRequestBody(
          `json: cannot unmarshal ${typeof body} into Go value of type []toxiproxy.ToxicProxy`,
        )
      }
      entries = body.map((entry, index) =>
        proxySettings(asObject(entry, 'toxiproxy.ToxicProxy'), ` at proxy ${index + 1}`),
      )
    } catch (error) {
      throw new PopulateError(error, null)
    }
    const result: ToxicProxy[] = []
    for (const settings of entries) {
      try {
        const existing = this.#proxies.get(settings.name)
        if (existing && !existing.differs(settings.listen, settings.upstream)) {
          result.push(existing)
          continue
        }
        if (existing) {
          this.#proxies.delete(settings.name)
          await existing.stop()
        }
        result.push(await this.#add(settings))
      } catch (error) {
        throw new PopulateError(error, result)
      }
    }
    return result
  }

  /** `POST /reset`: every proxy enabled again and every toxic removed; proxies themselves stay. */
  async reset(): Promise<void> {
    for (const proxy of this.all()) {
      await proxy.start()
      await proxy.toxics.removeAll()
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map(proxy => proxy.stop()))
  }

  async #add(settings: ProxySettings): Promise<ToxicProxy> {
    const proxy = new ToxicProxy(settings, this.#random)
    if (settings.enabled) await proxy.start()
    this.#proxies.set(settings.name, proxy)
    return proxy
  }
}

function proxySettings(fields: JsonObject, where: string): ProxySettings {
  const settings = {
    name: stringField(fields, 'name', '', 'ToxicProxy'),
    listen: stringField(fields, 'listen', '', 'ToxicProxy'),
    upstream: stringField(fields, 'upstream', '', 'ToxicProxy'),
    enabled: booleanField(fields, 'enabled', true, 'ToxicProxy'),
  }
  if (settings.name === '') throw apiErrors.missingField('name', where)
  if (settings.upstream === '') throw apiErrors.missingField('upstream', where)
  return settings
}
