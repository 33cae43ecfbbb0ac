import { FlowProducer, Job, Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { CompletionRecord } from '../../../src/history/chord-check.ts'
import type { Completer, CompletionOutcome, Handoff, NodePeer } from '../adapter.ts'

/**
 * BullMQ 6 flows: a parent job waiting for N children, every child completed by a real BullMQ
 * `Worker` through `job.moveToCompleted` (BullMQ's `moveToFinished-14.lua`), the call a worker
 * makes when its processor returns.
 *
 * The measured step is one child's `moveToCompleted`. "Parent ready" is exact, not polled: the
 * script that removes the last child from the parent's `:dependencies` set moves the parent from
 * `waiting-children` to `wait` in the same script run, and XADDs the parent's `waiting` event
 * (prev `waiting-children`) immediately before the child's own `completed` event. Parent and
 * children share one queue, so after a run the events stream names, for every time the parent
 * became ready, the one child completion that made it so; that completion is this peer's
 * `isLast`. The child's call returning is the moment the parent is ready.
 *
 * Set-up (not timed): `FlowProducer.add` of the whole flow, then the children are moved to
 * active with `Worker.getNextJob(token)` (BullMQ's manual-processing API), one lock token per
 * child, handed to whichever process completes it. A duplicate delivery completes the same child
 * again with its worker's token, as a worker whose job stalled and finished late does: BullMQ
 * refuses it (the lock is gone) and it counts as `fail`.
 */

const prefix = 'chordlab-peers'
const parentId = 'parent'
/** Locks outlive the longest bounded run; nothing here extends them. */
const lockDurationMs = 30 * 60_000
/** getNextJob calls in flight while the children are activated. */
const activationConcurrency = 16

interface BullHandoff {
  [key: string]: Handoff
  queue: string
  /** Lock token per child job id (= task id). */
  tokens: { [jobId: string]: string }
}

const queueName = (chordId: string) => `flow-${chordId}`

/**
 * BullMQ's workers and blocking calls need `maxRetriesPerRequest: null` on their connection.
 * Connection errors reach the caller through each call's outcome; the listener keeps ioredis
 * from printing every reset of a fault run.
 */
function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null }).on('error', () => {})
}

/** A worker used only through its manual-processing API; its errors too surface through the calls. */
function manualWorker(queue: string, connection: Redis): Worker {
  return new Worker(queue, null, { connection, prefix, autorun: false, lockDuration: lockDurationMs }).on(
    'error',
    () => {},
  )
}

export const peer: NodePeer = {
  id: 'bullmq-flow',
  label: 'BullMQ 6 flow: Worker job.moveToCompleted (moveToFinished-14.lua)',
  role: 'barrier',
  runtime: 'node',
  unavailableReason: () => null,

  async createChord(url, chord) {
    const queue = queueName(chord.chordId)
    const connection = connect(url)
    const flow = new FlowProducer({ connection, prefix })
    const worker = manualWorker(queue, connection)
    try {
      await flow.add({
        name: 'body',
        queueName: queue,
        opts: { jobId: parentId },
        children: chord.taskIds.map(taskId => ({
          name: 'header',
          queueName: queue,
          opts: { jobId: taskId },
        })),
      })
      const tokens: BullHandoff['tokens'] = {}
      let next = 0
      await Promise.all(
        Array.from({ length: activationConcurrency }, async () => {
          while (next < chord.taskIds.length) {
            const token = `${chord.chordId}-${next}`
            next += 1
            const job = await worker.getNextJob(token, { block: false })
            if (job?.id === undefined) throw new Error(`BullMQ handed out no job for token ${token}`)
            tokens[job.id] = token
          }
        }),
      )
      const handoff: BullHandoff = { queue, tokens }
      return handoff
    } finally {
      await worker.close()
      await flow.close()
      await connection.quit()
    }
  },

  async openCompleter(url, chord, handoff, taskIds) {
    const { queue, tokens } = handoff as BullHandoff
    const connection = connect(url)
    const worker = manualWorker(queue, connection)
    const jobs = new Map<string, Job>()
    for (const taskId of new Set(taskIds)) {
      const job = await Job.fromId(worker, taskId)
      if (job === undefined)
        throw new Error(`BullMQ has no job ${taskId} in ${queue} (chord ${chord.chordId})`)
      jobs.set(taskId, job)
    }
    const completer: Completer = {
      async complete(taskId): Promise<CompletionOutcome> {
        const job = jobs.get(taskId)
        const token = tokens[taskId]
        if (job === undefined || token === undefined) return { outcome: 'fail', reason: `no job ${taskId}` }
        try {
          await job.moveToCompleted('done', token, false)
          // Who made the parent ready is read from the events stream in settle().
          return { outcome: 'ok', completed: 0, isLast: false }
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error)
          // BullMQ's script refused the call (its codes -1..-9). That is no proof nothing was
          // applied: after a reset ioredis resends the call, and the resend of a completion that
          // was applied finds the lock gone. A worker does not run a job whose lock it lost.
          const refused = /Missing lock|Missing key|not in the active|Lock mismatch|pending|failed children/i
          return { outcome: 'unknown', reason, redeliver: !refused.test(reason) }
        }
      },
      async close() {
        await worker.close()
        await connection.quit()
      },
    }
    return completer
  },

  async settle(url, _chord, handoff, records) {
    const { queue } = handoff as BullHandoff
    const redis = connect(url)
    try {
      const base = `${prefix}:${queue}`
      const [events, processed, exists] = await Promise.all([
        redis.xrange(`${base}:events`, '-', '+'),
        redis.hlen(`${base}:${parentId}:processed`),
        redis.exists(`${base}:${parentId}`),
      ])
      const finishers = parentReadyFinishers(events)
      return {
        records: markFinishers(records, finishers),
        final: { exists: exists === 1, count: processed, finisherTaskId: finishers[0] ?? null },
      }
    } finally {
      redis.disconnect()
    }
  },

  async barrierKeys(_url, chord) {
    const base = `${prefix}:${queueName(chord.chordId)}:${parentId}`
    return [base, `${base}:dependencies`, `${base}:processed`]
  },

  async deleteChord(url, chord) {
    const connection = connect(url)
    const queue = new Queue(queueName(chord.chordId), { connection, prefix })
    try {
      await queue.obliterate({ force: true })
    } finally {
      await queue.close()
      await connection.quit()
    }
  },
}

type StreamEntry = [id: string, fields: string[]]

function field(fields: readonly string[], name: string): string | undefined {
  const index = fields.indexOf(name)
  return index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined
}

/**
 * The child whose completion moved the parent out of `waiting-children`, once per time it did:
 * the `completed` event that directly follows the parent's `waiting` (prev `waiting-children`)
 * event, both XADDed by the same moveToFinished run.
 */
function parentReadyFinishers(events: readonly StreamEntry[]): string[] {
  const finishers: string[] = []
  events.forEach(([, fields], index) => {
    const parentReady =
      field(fields, 'event') === 'waiting' &&
      field(fields, 'jobId') === parentId &&
      field(fields, 'prev') === 'waiting-children'
    if (!parentReady) return
    const next = events[index + 1]?.[1]
    const child = next && field(next, 'event') === 'completed' ? field(next, 'jobId') : undefined
    if (child === undefined) throw new Error('the parent became ready without a child completion after it')
    finishers.push(child)
  })
  return finishers
}

/**
 * Sets isLast on the completion of each finishing child. BullMQ fires server-side: the script
 * enqueued the parent, whatever reply its caller got. So when the finishing child's calls all
 * ended unknown (its reply lost, the resend refused for a missing lock), the stream is the proof
 * that its first call was applied and fired: that call becomes an acknowledged one.
 */
function markFinishers(records: CompletionRecord[], finishers: readonly string[]): CompletionRecord[] {
  const marked = [...records]
  for (const finisher of finishers) {
    const calls = marked
      .map((record, index) => ({ record, index }))
      .filter(({ record }) => record.taskId === finisher && record.outcome !== 'fail')
      .sort((a, b) => a.record.startedAt - b.record.startedAt)
    const firing = calls.find(({ record }) => record.outcome === 'ok' && !record.isLast) ?? calls[0]
    if (firing === undefined) throw new Error(`BullMQ completed ${finisher}, but no call for it was recorded`)
    const { taskId, startedAt, endedAt } = firing.record
    marked[firing.index] = { taskId, startedAt, endedAt, outcome: 'ok', completed: 0, isLast: true }
  }
  return marked
}
