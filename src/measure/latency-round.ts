import { performance } from 'node:perf_hooks'
import { Bench } from 'tinybench'

export interface LatencyRoundOptions {
  /** How long the round measures (tinybench's `time`: keeps calling until this much time has passed). */
  timeMs: number
  /** Calls in flight at once; 1 measures one call after another. @default 1 */
  concurrency?: number
  /**
   * Keep going past `timeMs` until this many calls were timed, so a slow operation (a batch of
   * 100 with many in flight) still gets a usable median per round.
   * @default 1
   */
  minimumSamples?: number
  /**
   * Runs before every call, outside the timed window: e.g. re-creating the key a DEL removes.
   * Its time still counts in the round's wall time.
   */
  beforeEach?: () => Promise<void>
}

export interface LatencyRound {
  /** One duration per call, in microseconds, in no particular order. */
  samplesUs: number[]
  /** Wall time of the whole round (hooks included), in milliseconds: calls / wall time is ops/s. */
  wallMs: number
}

/** A concurrent round short of its minimum runs again at most this many times: bounded in time. */
const maxConcurrentPasses = 20

/**
 * Times `call` for one round with tinybench, set up against its traps (tools-and-style.md §1.5):
 * the task is declared async (tinybench would otherwise call it once at `add()` to find out), the
 * clock is hrtime, every sample is kept, a failing call fails the round instead of being counted
 * as an "errored" task, and a concurrent round has no iteration cap (`iterations: 0`) with the
 * concurrency as its threshold. No warm-up here: the interleaved runner warms every arm up once.
 */
export async function measureLatencyRound(
  name: string,
  call: () => Promise<unknown>,
  options: LatencyRoundOptions,
): Promise<LatencyRound> {
  const concurrency = options.concurrency ?? 1
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number >= 1, got ${concurrency}`)
  }
  const minimumSamples = options.minimumSamples ?? 1
  const samplesUs: number[] = []
  const started = performance.now()
  // Sequential: tinybench itself keeps going until both the time and the minimum are reached.
  // Concurrent: its loop stops at the time, so a slow operation gets further passes.
  for (
    let pass = 0;
    pass === 0 || (samplesUs.length < minimumSamples && pass < maxConcurrentPasses);
    pass += 1
  ) {
    for (const sample of await tinybenchPass(name, call, options, concurrency, minimumSamples))
      samplesUs.push(sample)
  }
  return { samplesUs, wallMs: performance.now() - started }
}

async function tinybenchPass(
  name: string,
  call: () => Promise<unknown>,
  options: LatencyRoundOptions,
  concurrency: number,
  minimumSamples: number,
): Promise<number[]> {
  const bench = new Bench({
    name,
    time: options.timeMs,
    // Concurrent rounds: 0 means "no call limit" (any other number would cap the total calls,
    // not each worker's).
    iterations: concurrency > 1 ? 0 : minimumSamples,
    warmup: false,
    timestampProvider: 'hrtimeNow',
    retainSamples: true,
    throws: true,
    ...(concurrency > 1 ? { concurrency: 'task' as const, threshold: concurrency } : {}),
  })
  bench.add(
    name,
    async () => {
      await call()
    },
    { async: true, ...(options.beforeEach ? { beforeEach: options.beforeEach } : {}) },
  )
  await bench.run()
  const result = bench.getTask(name)?.result
  if (result?.state !== 'completed') {
    throw new Error(`latency round "${name}" ended ${result?.state ?? 'without a result'}`)
  }
  return (result.latency.samples ?? []).map(ms => ms * 1000)
}
