import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DockerComposeEnvironment, Wait } from 'testcontainers'
import { describe, expect, it } from 'vitest'
// `yaml` comes with testcontainers (through docker-compose); nothing is installed for this test.
import { parse } from 'yaml'
import { RedisResultBackend } from '../src/backend/backend.ts'
import { probeDockerEngine, toxiproxyImage } from '../src/faults/index.ts'
import { clusterDefaults } from '../src/servers/index.ts'
import type { PersistenceProfile } from '../src/servers/persistence-profiles.ts'
import { raceChord } from '../src/workloads/chord-race.ts'
import { redisImage, redisServerArgs } from './support/redis-target.ts'

interface ComposeService {
  image: string
  entrypoint?: string[]
  command: string[]
  ports?: string[]
  network_mode?: string
  profiles?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
}

interface ComposeFile {
  services: Record<string, ComposeService>
}

const composeFile = fileURLToPath(new URL('../docker-compose.yml', import.meta.url))
// Compose reads `<<:` merge keys (YAML 1.1); the yaml package does so when asked.
const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as ComposeFile
const profiles: PersistenceProfile[] = ['none', 'rdb', 'aof-everysec', 'aof-always']
const clusterPorts = [7000, 7001, 7002, 7003, 7004, 7005]
const clusterNodeNames = clusterPorts.map((_, index) => `redis-cluster-${index + 1}`)
const clusterUrl = `redis+cluster://${clusterPorts.map(port => `127.0.0.1:${port}`).join(',')}`
const engine = await probeDockerEngine()

describe('docker-compose.yml', () => {
  it.each(profiles)('runs Redis with exactly the %s profile, published on loopback only', profile => {
    const service = compose.services[`redis-${profile}`]
    expect(service?.image).toBe(redisImage)
    expect(service?.command).toEqual(['redis-server', ...redisServerArgs(profile)])
    expect(service?.ports?.every(port => port.startsWith('127.0.0.1:'))).toBe(true)
  })

  it('runs the Toxiproxy image the Docker provider uses, on the host network, API on 127.0.0.1:8474', () => {
    expect(compose.services.toxiproxy).toEqual({
      image: toxiproxyImage,
      network_mode: 'host',
      command: ['-host=127.0.0.1', '-port=8474'],
    })
  })

  it('starts only the single servers and Toxiproxy without a profile, and the cluster with --profile cluster', () => {
    const byProfile = (profile: string | undefined) =>
      Object.entries(compose.services)
        .filter(([, service]) => service.profiles?.[0] === profile)
        .map(([name]) => name)
        .sort()
    expect(byProfile(undefined)).toEqual([
      'redis-aof-always',
      'redis-aof-everysec',
      'redis-none',
      'redis-rdb',
      'toxiproxy',
    ])
    expect(byProfile('cluster')).toEqual([...clusterNodeNames, 'redis-cluster-create'].sort())
  })

  it.each(clusterNodeNames.map((name, index) => [name, clusterPorts[index] as number]))(
    'runs %s as RedisCluster starts a node: cluster mode, its node timeout, no persistence, loopback, port %i',
    (name, port) => {
      const service = compose.services[name]
      expect(service).toMatchObject({
        image: redisImage,
        network_mode: 'host',
        environment: { REDIS_PORT: String(port) },
      })
      expect(service?.entrypoint?.[0]).toBe('docker-entrypoint.sh')
      const argv = [...(service?.entrypoint ?? []).slice(1), ...(service?.command ?? [])]
      expect(argv).toEqual([
        'redis-server',
        ...['--bind', '127.0.0.1', '--cluster-enabled', 'yes'],
        ...['--cluster-node-timeout', String(clusterDefaults.nodeTimeoutMs)],
        ...redisServerArgs('none'),
        ...['--port', String(port), '--cluster-config-file', `nodes-${port}.conf`],
      ])
    },
  )

  it('joins the six nodes into the default shape (3 primaries, 1 replica each) once all are healthy', () => {
    const create = compose.services['redis-cluster-create']
    expect(Object.keys(create?.depends_on ?? {}).sort()).toEqual([...clusterNodeNames].sort())
    expect(Object.values(create?.depends_on ?? {}).every(each => each.condition === 'service_healthy')).toBe(
      true,
    )
    const script = create?.command.at(-1) ?? ''
    const created =
      /--cluster create ((?:127\.0\.0\.1:\d+ ?)+)\s*--cluster-replicas (\d+) --cluster-yes/.exec(script)
    expect(created?.[1]?.trim().split(' ')).toEqual(clusterPorts.map(port => `127.0.0.1:${port}`))
    const replicas = Number(created?.[2])
    expect(replicas).toBe(clusterDefaults.replicasPerPrimary)
    expect(clusterPorts.length / (1 + replicas)).toBe(clusterDefaults.primaries)
    expect(script).toMatch(/^redis-cli -p 7000 cluster info \| grep -q cluster_state:ok \|\|/)
  })

  it.skipIf(!engine.available)(
    `brings the cluster profile up, and the backend completes a chord on it${engine.available ? '' : ` (skipped: ${engine.reason})`}`,
    async () => {
      const environment = await new DockerComposeEnvironment(
        fileURLToPath(new URL('..', import.meta.url)),
        'docker-compose.yml',
      )
        .withProfiles('cluster')
        .withWaitStrategy('redis-cluster-create-1', Wait.forOneShotStartup())
        .up([...clusterNodeNames, 'redis-cluster-create'])
      try {
        const race = await raceChord({ url: clusterUrl, total: 200, workers: 8, duplicateRate: 0.3, seed: 1 })
        expect(race.check.verdict).toBe('exact')
        await using backend = new RedisResultBackend(clusterUrl)
        expect(backend.keys.chord('c').counter).toMatch(/\{c\}/)
      } finally {
        await environment.down()
      }
    },
    180_000,
  )
})
