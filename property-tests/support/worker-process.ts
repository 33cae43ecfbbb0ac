import { setTimeout as delay, setImmediate as nextMacrotask } from 'node:timers/promises'
import { RedisResultBackend } from '../../src/backend/backend.ts'
import type { CompletionRecord } from '../../src/history/chord-check.ts'
import { recordCompletion } from './completion.ts'
import { monotonicMs } from './monotonic-clock.ts'
import type { FromWorker, RaceJob, ToWorker } from './worker-pool.ts'

/**
 * A worker process of the parallel-workers property (forked by WorkerPool with tsx): on `prepare`
 * it opens its own backend and connection, on `go` it waits for the shared start instant and
 * completes its deliveries one after another, as a real worker would, then reports what each call
 * saw. It exits when the parent disconnects (also when the parent dies).
 */

let prepared: { job: RaceJob; backend: RedisResultBackend } | undefined

function send(message: FromWorker): void {
  process.send?.(message)
}

async function prepare(job: RaceJob): Promise<void> {
  const backend = new RedisResultBackend(job.url, { barrier: job.barrier, namespace: job.namespace })
  // Connect now, so the race measures completions, not connection set-up.
  await backend.chordGetState(job.chordId)
  prepared = { job, backend }
  send({ type: 'ready' })
}

async function race(startAtMs: number): Promise<void> {
  if (prepared === undefined) throw new Error('go before prepare')
  const { job, backend } = prepared
  prepared = undefined
  try {
    // Sleep most of the way, then yield until the instant, so all workers start together.
    const wait = startAtMs - monotonicMs() - 2
    if (wait > 0) await delay(wait)
    while (monotonicMs() < startAtMs) await nextMacrotask()
    const records: CompletionRecord[] = []
    const clock = { start: monotonicMs, end: monotonicMs }
    for (const taskId of job.deliveries) {
      records.push(
        await recordCompletion(taskId, clock, () => backend.chordCompleteTask(job.chordId, taskId)),
      )
    }
    send({ type: 'done', records })
  } finally {
    await backend.close()
  }
}

function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'prepare':
      return prepare(message.job)
    case 'go':
      return race(message.startAtMs)
  }
}

process.on('message', (message: ToWorker) => {
  handle(message).catch((error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  })
})
process.on('disconnect', () => process.exit(0))
send({ type: 'online' })
