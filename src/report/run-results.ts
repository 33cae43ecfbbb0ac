import path from 'node:path'
import { describeEnvironment } from './environment.ts'
import { newRunId } from './run-id.ts'
import { type RedisEnvironment, type RunResults, resultsSchema } from './schema.ts'

/** Starts the results of one run; suites add their sections, then `finishRun` stamps the end. */
export function startRun(options: {
  suite: string
  profile: string
  redis: RedisEnvironment
  now?: Date
}): RunResults {
  const now = options.now ?? new Date()
  return {
    schema: resultsSchema,
    runId: newRunId(options.suite, now),
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    profile: options.profile,
    environment: describeEnvironment(options.redis),
    sections: {},
  }
}

export function finishRun(results: RunResults, now = new Date()): RunResults {
  return { ...results, finishedAt: now.toISOString() }
}

/** `reports/<run-id>` under the given root (the CLI's `--out`). */
export function runDirectory(results: RunResults, root = 'reports'): string {
  return path.join(root, results.runId)
}
