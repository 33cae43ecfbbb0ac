import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import type { Environment, RedisEnvironment } from './schema.ts'

/** Describes the machine and checkout a run happened on; the caller says what Redis it used. */
export function describeEnvironment(redis: RedisEnvironment): Environment {
  const cpus = os.cpus()
  return {
    chordlab: packageVersion(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length },
    memoryBytes: os.totalmem(),
    gitRevision: gitRevision(),
    ci: Boolean(process.env.CI),
    redis,
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string
  }
  return manifest.version ?? 'unknown'
}

function gitRevision(): string {
  try {
    const revision = execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    return dirty === '' ? revision : `${revision}-dirty`
  } catch {
    return 'unknown'
  }
}
