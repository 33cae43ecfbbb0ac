import { existsSync } from 'node:fs'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { EmbeddedToxiproxy, embeddedToxiproxyVersion } from '../src/faults/embedded/server.ts'
import { probeDockerEngine, startToxiproxy } from '../src/faults/index.ts'
import { unusedPort } from './support/clients.ts'
import { settleWithin } from './support/wait.ts'

const noEngineHere = !process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')
const repoRoot = path.resolve(import.meta.dirname, '..')

describe('the Toxiproxy provider chain', () => {
  it.skipIf(!noEngineHere)(
    'without a Docker engine, the Docker step is skipped cleanly with a one-line reason',
    async () => {
      const probe = await settleWithin(probeDockerEngine(), 20_000)
      expect(probe.settled).toBe(true)
      if (!probe.settled || probe.status !== 'fulfilled') return
      expect(probe.value.available).toBe(false)
      const reason = probe.value.available ? '' : probe.value.reason
      expect(reason).toMatch(/^no Docker engine/)
      expect(reason).not.toContain('\n')

      await using toxiproxy = await startToxiproxy({ from: 'docker' })
      expect(toxiproxy.kind).toBe('embedded')
      expect(toxiproxy.skipped.map(skip => skip.kind)).toEqual(['url', 'binary', 'docker'])
      expect(toxiproxy.skipped[2]?.reason).toBe(reason)
      expect(await toxiproxy.client.getVersion()).toBe(`{"version": "${embeddedToxiproxyVersion}"}\n`)
    },
  )

  it('uses TOXIPROXY_URL first, and never stops a server it did not start', async () => {
    const server = await new EmbeddedToxiproxy().start()
    onTestFinished(() => server.stop())
    const toxiproxy = await startToxiproxy({ env: { TOXIPROXY_URL: `${server.url()}/`, PATH: '' } })
    expect(toxiproxy.kind).toBe('url')
    expect(toxiproxy.skipped).toEqual([])
    expect(toxiproxy.apiUrl).toBe(server.url())
    await toxiproxy.stop()
    expect((await fetch(`${server.url()}/version`)).status).toBe(200)
  })

  it('a TOXIPROXY_URL that does not answer is an error that names it, not a silent fallback', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`
    const attempt = startToxiproxy({ env: { TOXIPROXY_URL: url }, urlAnswerTimeoutMs: 300 })
    await expect(attempt).rejects.toThrow(`Toxiproxy at ${url} did not answer GET /version within 300 ms`)
  })

  it('spawns toxiproxy-server from PATH on loopback and stops it (here: `chordlab toxiproxy` behind that name)', async () => {
    const bin = await mkdtemp(path.join(tmpdir(), 'chordlab-fake-toxiproxy-'))
    onTestFinished(() => rm(bin, { recursive: true, force: true }))
    // The provider passes Go-style flags: -host 127.0.0.1 -port N.
    await writeFile(
      path.join(bin, 'toxiproxy-server'),
      `#!/bin/sh\nexec "${process.execPath}" --import tsx "${repoRoot}/src/cli/main.ts" toxiproxy --host "$2" --port "$4"\n`,
    )
    await chmod(path.join(bin, 'toxiproxy-server'), 0o755)
    const toxiproxy = await startToxiproxy({ env: { PATH: bin } })
    onTestFinished(() => toxiproxy.stop())
    expect(toxiproxy.kind).toBe('binary')
    expect(toxiproxy.skipped).toEqual([{ kind: 'url', reason: 'TOXIPROXY_URL is not set' }])
    expect(toxiproxy.description).toContain(embeddedToxiproxyVersion)
    const proxy = await toxiproxy.client.createProxy({
      name: 'p',
      listen: '127.0.0.1:0',
      upstream: '127.0.0.1:1',
    })
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/)
    await toxiproxy.stop()
    await expect(fetch(`${toxiproxy.apiUrl}/version`)).rejects.toThrow()
  }, 30_000)
})
