import { Redis } from 'ioredis'
import { RedisResultBackend } from '../src/index.ts'
import { type BenchTarget, benchTtlSeconds, endlessChordTotal, withTtl } from './bench-target.ts'
import { encodedDocument, smallResult, withTaskId } from './documents.ts'
import type { BenchProfile } from './profiles.ts'

/** Work that reports how many units (results, completions) each step did; run in parallel loops. */
export interface RateStep {
  step: () => Promise<number>
  inFlight: number
  /** Closes connections the step opened for itself. */
  close(): Promise<void>
}

export interface RateArmSpec {
  /** How it is driven, in words, for the report. */
  method: string
  prepare(target: BenchTarget): Promise<RateStep>
}

export interface RateWorkload {
  workload: string
  unit: string
  subject: RateArmSpec
  control: RateArmSpec & { name: string }
  /** The goal for the subject's rate, per process. */
  targetPerSecond?: number
}

/** The two throughput workloads: pipelined result stores, and chord completions with auto-pipelining. */
export function rateWorkloads(settings: BenchProfile['throughput']): RateWorkload[] {
  const { storeBatch, storeInFlight, completionsInFlight } = settings
  return [
    {
      workload: 'storeResults',
      unit: 'results/s',
      targetPerSecond: 200_000,
      subject: {
        method: `storeResults of ${storeBatch} (one pipeline each), ${storeInFlight} in flight, one connection`,
        async prepare(target) {
          const meta = smallResult('template')
          const nextId = target.idCycle('throughput')
          return {
            inFlight: storeInFlight,
            async step() {
              const metas = Array.from({ length: storeBatch }, () => withTaskId(meta, nextId()))
              await target.backend.storeResults(metas, withTtl)
              return storeBatch
            },
            close: async () => {},
          }
        },
      },
      control: {
        name: 'pipeline SET EX',
        method: `pipelines of ${storeBatch} SET EX of the same document, ${storeInFlight} in flight, one connection`,
        async prepare(target) {
          const document = await encodedDocument(target)
          const nextId = target.idCycle('throughput-raw')
          return {
            inFlight: storeInFlight,
            async step() {
              const pipeline = target.raw.pipeline()
              for (let index = 0; index < storeBatch; index += 1) {
                pipeline.set(target.rawKey(nextId()), document, 'EX', benchTtlSeconds)
              }
              await pipeline.exec()
              return storeBatch
            },
            close: async () => {},
          }
        },
      },
    },
    {
      workload: 'chordCompleteTask',
      unit: 'completions/s',
      targetPerSecond: 100_000,
      subject: {
        method: `${completionsInFlight} chordCompleteTask calls in flight on one auto-pipelined connection`,
        async prepare(target) {
          const backend = new RedisResultBackend(target.url, {
            namespace: target.namespace,
            autoPipelining: true,
            chordTtlSeconds: benchTtlSeconds,
          })
          const chordId = target.freshId('throughput-chord')
          await backend.chordInit({ chordId, total: endlessChordTotal })
          return {
            inFlight: completionsInFlight,
            async step() {
              await backend.chordCompleteTask(chordId, target.freshId('task'))
              return 1
            },
            close: () => backend.close(),
          }
        },
      },
      control: {
        name: 'INCR',
        method: `${completionsInFlight} INCR calls in flight on one auto-pipelined connection`,
        async prepare(target) {
          const client = new Redis(target.url, { enableAutoPipelining: true })
          const key = target.rawKey(target.freshId('throughput-incr'))
          return {
            inFlight: completionsInFlight,
            async step() {
              await client.incr(key)
              return 1
            },
            close: async () => {
              client.disconnect()
            },
          }
        },
      },
    },
  ]
}
