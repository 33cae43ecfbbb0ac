/**
 * The results of one chordlab run, as written to `reports/<run-id>/results.json`.
 *
 * Versioning: `schema` names the major version. Adding a field or a section keeps the version;
 * renaming, removing or changing the meaning of one bumps it, and the baseline gate refuses to
 * compare files of different versions.
 */
export const resultsSchema = 'chordlab.results/v1'

export interface RunResults {
  schema: typeof resultsSchema
  runId: string
  /** ISO timestamps of the run's start and end. */
  startedAt: string
  finishedAt: string
  /** The command line profile (`quick`, `full`, …) the suites ran with. */
  profile: string
  environment: Environment
  /** One entry per suite that ran, keyed by section id (`bench`, `props`, `chaos`, …). */
  sections: Record<string, unknown>
}

export interface Environment {
  chordlab: string
  node: string
  platform: string
  cpu: { model: string; cores: number }
  memoryBytes: number
  /** `git rev-parse HEAD` of the checkout, with `-dirty` when it has uncommitted changes; `unknown` outside git. */
  gitRevision: string
  ci: boolean
  redis: RedisEnvironment
}

export interface RedisEnvironment {
  version: string
  /** `started` when chordlab launched the server, `external` for REDIS_URL. */
  source: 'started' | 'external'
  /** The persistence profile of a started server; `unknown` for an external one. */
  persistence: string
  /** Where it ran, password removed. */
  url: string
}
