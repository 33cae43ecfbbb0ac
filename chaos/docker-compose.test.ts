import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// `yaml` comes with testcontainers (through docker-compose); nothing is installed for this test.
import { parse } from 'yaml'
import { toxiproxyImage } from '../src/faults/index.ts'
import type { PersistenceProfile } from '../src/servers/persistence-profiles.ts'
import { redisImage, redisServerArgs } from './support/redis-target.ts'

interface ComposeFile {
  services: Record<string, { image: string; command: string[]; ports?: string[]; network_mode?: string }>
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as ComposeFile
const profiles: PersistenceProfile[] = ['none', 'rdb', 'aof-everysec', 'aof-always']

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

  it('has no other services', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'redis-aof-always',
      'redis-aof-everysec',
      'redis-none',
      'redis-rdb',
      'toxiproxy',
    ])
  })
})
