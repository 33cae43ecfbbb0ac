import type fc from 'fast-check'
import type { RedisEnvironment } from '../../src/report/schema.ts'

/** `quick` is what CI and `chordlab props` run by default; `deep` is the nightly size. */
export type Profile = 'quick' | 'deep'

export const profiles: readonly Profile[] = ['quick', 'deep']

/**
 * One subject a property runs against. The real implementation must hold; a deliberately broken
 * one must be caught, or the property has no teeth.
 */
export interface Variant {
  name: string
  expectation: 'holds' | 'fails'
  /** One line: what this variant is (and, for a broken one, what is wrong with it). */
  about: string
  /** It crashes a server chordlab started, so it cannot run against REDIS_URL. @default false */
  needsOwnServer?: boolean
}

/** True when REDIS_URL points the suites at a server chordlab must not kill or restart. */
export function usesExternalRedis(): boolean {
  return (process.env.REDIS_URL ?? '') !== ''
}

/** How one property check runs: its size, and what to replay. */
export interface RunSettings {
  /** Generated cases before the property counts as holding. */
  numRuns: number
  /** fast-check seed. @default a random seed */
  seed?: number
  /** fast-check counterexample path: replays exactly that case (with the seed it was found with). @default undefined */
  path?: string
  /** fc.commands replay path, printed in a model-based counterexample as `replayPath`. @default undefined */
  replayPath?: string
}

/** What a property needs while its variants run (a Redis, worker processes), released when done. */
export interface OpenProperty extends AsyncDisposable {
  /** The Redis the checks ran against, for the report. */
  readonly redis: RedisEnvironment
  property(variant: Variant, settings: RunSettings): fc.IAsyncPropertyWithHooks<unknown>
}

/**
 * A property definition, shared by vitest (`*.test.ts`) and `chordlab props`: the same generators,
 * the same invariants, the same variants.
 */
export interface PropertyDefinition {
  /** Stable id: the CLI's `--property`, the report's key. */
  id: string
  title: string
  /** What passing proves, and what it does not. */
  guarantees: string
  variants: readonly Variant[]
  /** Generated cases per variant in each profile. */
  runs: Readonly<Record<Profile, number>>
  /**
   * True when a counterexample replays exactly from its seed and path (the vitest suite checks it);
   * false when the outcome also depends on timing the property does not control.
   */
  replayable: boolean
  /** A generous bound for one variant's check at the `quick` size, shrinking included (vitest's timeout). */
  timeoutMs: number
  /** Starts what the checks need; `profile` also sizes the generated cases (CI keeps them small). */
  open(profile: Profile): Promise<OpenProperty>
}
