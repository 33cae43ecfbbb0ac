import type { RedisEnvironment } from '../src/report/schema.ts'
import type { PropsCheck } from '../src/report/sections/props.ts'
import { chordModelProperty } from './chord-model.ts'
import { celeryDocumentsProperty, codecRoundTripProperty, malformedDocumentsProperty } from './codec.ts'
import { interleavingsOnClusterProperty, interleavingsProperty } from './interleavings.ts'
import { parallelWorkersProperty } from './parallel-workers.ts'
import { checkIdentity, checkProperty } from './support/check-property.ts'
import {
  type OpenProperty,
  type Profile,
  type PropertyDefinition,
  usesExternalRedis,
  type Variant,
} from './support/definition.ts'

/** Every property, in the order `chordlab props` runs them; the vitest files run the same ones. */
export const propertyDefinitions: readonly PropertyDefinition[] = [
  interleavingsProperty,
  interleavingsOnClusterProperty,
  chordModelProperty,
  parallelWorkersProperty,
  codecRoundTripProperty,
  celeryDocumentsProperty,
  malformedDocumentsProperty,
]

export interface SuiteOptions {
  profile: Profile
  /** Generated cases per check. @default the property's count for the profile */
  runs?: number
  /** fast-check seed for every check. @default a random seed per check */
  seed?: number
  /** Replays one counterexample (with `seed`, and `replayPath` for chord-model). @default undefined (no replay) */
  path?: string
  /** fc.commands replay path of a chord-model counterexample. @default undefined */
  replayPath?: string
  /** Only this property (its id). @default every property */
  property?: string
  /** Only variants of this name (a barrier name, `reference`, or a broken codec's name). @default every variant */
  variant?: string
}

export interface SelectedProperty {
  definition: PropertyDefinition
  variants: Variant[]
  /** Variants left out here, with the reason. */
  skipped: Array<{ variant: Variant; reason: string }>
}

export type SuiteEvent =
  | { type: 'check-start'; property: string; variant: string; position: number; count: number; runs: number }
  | { type: 'execution'; property: string; variant: string; executions: number }
  | { type: 'check-end'; check: PropsCheck; position: number; count: number }
  | { type: 'skipped'; property: string; variant: string; reason: string }

/** The checks the options ask for. */
export function selectProperties(options: Pick<SuiteOptions, 'property' | 'variant'>): SelectedProperty[] {
  const external = usesExternalRedis()
  return propertyDefinitions
    .filter(definition => options.property === undefined || definition.id === options.property)
    .map(definition => {
      const wanted = definition.variants.filter(
        variant => options.variant === undefined || variant.name === options.variant,
      )
      const needsOwn = (variant: Variant) => variant.needsOwnServer === true && external
      return {
        definition,
        variants: wanted.filter(variant => !needsOwn(variant)),
        skipped: wanted.filter(needsOwn).map(variant => ({
          variant,
          reason: 'it crashes Redis, and REDIS_URL is a server chordlab must not kill',
        })),
      }
    })
    .filter(selected => selected.variants.length + selected.skipped.length > 0)
}

/**
 * Runs the selected checks one after another (each property opens its Redis and workers once for
 * all its variants) and reports progress through `onEvent`. A property that cannot even open
 * yields an `errored` check per variant, so the report says what did not run.
 */
export async function runPropertySuite(
  options: SuiteOptions,
  onEvent: (event: SuiteEvent) => void = () => {},
): Promise<{ checks: PropsCheck[]; redis: RedisEnvironment[] }> {
  const selected = selectProperties(options)
  const count = selected.reduce((sum, each) => sum + each.variants.length, 0)
  const checks: PropsCheck[] = []
  const redis: RedisEnvironment[] = []
  for (const { definition, variants, skipped } of selected) {
    for (const { variant, reason } of skipped) {
      onEvent({ type: 'skipped', property: definition.id, variant: variant.name, reason })
    }
    if (variants.length === 0) continue
    let open: OpenProperty
    try {
      open = await definition.open(options.profile)
    } catch (error) {
      for (const variant of variants) checks.push(notOpened(definition, variant, error))
      continue
    }
    try {
      redis.push(open.redis)
      for (const variant of variants) {
        const position = checks.length + 1
        const runs = options.runs ?? definition.runs[options.profile]
        onEvent({
          type: 'check-start',
          property: definition.id,
          variant: variant.name,
          position,
          count,
          runs,
        })
        let executions = 0
        const check = await checkProperty(
          definition,
          open,
          variant,
          {
            numRuns: runs,
            ...(options.seed === undefined ? {} : { seed: options.seed }),
            ...(options.path === undefined ? {} : { path: options.path }),
            ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
          },
          () => {
            executions += 1
            onEvent({ type: 'execution', property: definition.id, variant: variant.name, executions })
          },
        )
        checks.push(check)
        onEvent({ type: 'check-end', check, position, count })
      }
    } finally {
      await open[Symbol.asyncDispose]()
    }
  }
  return { checks, redis }
}

function notOpened(definition: PropertyDefinition, variant: Variant, error: unknown): PropsCheck {
  return {
    ...checkIdentity(definition, variant),
    verdict: 'errored',
    runs: 0,
    shrinks: 0,
    durationMs: 0,
    seed: 0,
    path: null,
    replayPath: null,
    replay: null,
    counterexample: [],
    error: `could not start: ${error instanceof Error ? error.message : String(error)}`,
  }
}

/** One line for the report's environment: the servers the properties started, or REDIS_URL. */
export function summariseRedis(environments: readonly RedisEnvironment[]): RedisEnvironment {
  const [first] = environments
  if (first === undefined) return { version: 'unknown', source: 'started', persistence: 'none', url: 'none' }
  const persistence = [...new Set(environments.map(environment => environment.persistence))].join(', ')
  const url =
    first.source === 'external'
      ? first.url
      : `127.0.0.1, one redis-server or cluster per property (first ${first.url})`
  return { ...first, persistence, url }
}
