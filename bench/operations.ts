import type { RatioTarget } from '../src/report/sections/bench-data.ts'
import { type BenchTarget, benchTtlSeconds, endlessChordTotal, withTtl } from './bench-target.ts'
import { encodedDocument, smallResult, withTaskId } from './documents.ts'
import type { TimedCall } from './latency-figures.ts'

/**
 * Every backend operation the latency suite times, each with its raw controls: the bare ioredis
 * command(s) doing the same Redis work on their own connection. A ratio near 1 means the backend
 * adds little (validation, encoding, key building) over what Redis and ioredis cost anyway.
 */
export interface OperationSpec {
  operation: string
  prepare(target: BenchTarget): Promise<TimedCall>
  controls: ControlSpec[]
}

export interface ControlSpec {
  control: string
  prepare(target: BenchTarget): Promise<TimedCall>
  target?: RatioTarget
}

/** The goals: store, get, delete, expire within 10 % at p50 and 25 % at p99 of raw Redis. */
const plainCommandTarget: RatioTarget = { p50: 1.1, p99: 1.25 }
/** chordCompleteTask is a Lua script doing several commands; the goal is against a bare INCR. */
const chordCompleteTarget: RatioTarget = { p50: 1.3 }

const trivialScript = "return redis.call('INCR', KEYS[1])"

/** Keys created by `beforeEach` and consumed by the timed call, one each, also when calls overlap. */
function keyQueue(create: (key: string) => Promise<unknown>, nextKey: () => string) {
  const ready: string[] = []
  return {
    async beforeEach() {
      const key = nextKey()
      await create(key)
      ready.push(key)
    },
    take(): string {
      const key = ready.shift()
      if (key === undefined) throw new Error('a timed call ran without its beforeEach')
      return key
    },
  }
}

const setEx: ControlSpec = {
  control: 'SET EX',
  target: plainCommandTarget,
  async prepare(target) {
    const document = await encodedDocument(target)
    const nextId = target.idCycle('set')
    return { call: () => target.raw.set(target.rawKey(nextId()), document, 'EX', benchTtlSeconds) }
  },
}

function getControl(hit: boolean): ControlSpec {
  return {
    control: 'GET',
    target: plainCommandTarget,
    async prepare(target) {
      const key = target.rawKey(target.freshId('get'))
      if (hit) await target.setup.set(key, await encodedDocument(target), 'EX', benchTtlSeconds)
      return { call: () => target.raw.get(key) }
    },
  }
}

function getResult(hit: boolean): OperationSpec {
  return {
    operation: `getResult (${hit ? 'hit' : 'miss'})`,
    controls: [getControl(hit)],
    async prepare(target) {
      const taskId = target.freshId('get')
      if (hit) await target.backend.storeResult(smallResult(taskId), withTtl)
      return { call: () => target.backend.getResult(taskId) }
    },
  }
}

export function latencyOperations(batchSize: number): OperationSpec[] {
  return [
    {
      operation: 'storeResult (TTL)',
      controls: [setEx],
      async prepare(target) {
        const meta = smallResult('template')
        const nextId = target.idCycle('store')
        return { call: () => target.backend.storeResult(withTaskId(meta, nextId()), withTtl) }
      },
    },
    {
      operation: 'storeResult (no TTL)',
      controls: [
        {
          control: 'SET',
          target: plainCommandTarget,
          async prepare(target) {
            const document = await encodedDocument(target)
            const nextId = target.idCycle('set')
            return { call: () => target.raw.set(target.rawKey(nextId()), document) }
          },
        },
      ],
      async prepare(target) {
        const meta = smallResult('template')
        const nextId = target.idCycle('store')
        return { call: () => target.backend.storeResult(withTaskId(meta, nextId())) }
      },
    },
    getResult(true),
    getResult(false),
    {
      operation: 'deleteResult',
      controls: [
        {
          control: 'DEL',
          target: plainCommandTarget,
          async prepare(target) {
            const document = await encodedDocument(target)
            const keys = keyQueue(
              key => target.setup.set(key, document, 'EX', benchTtlSeconds),
              () => target.rawKey(target.freshId('del')),
            )
            return { beforeEach: keys.beforeEach, call: () => target.raw.del(keys.take()) }
          },
        },
      ],
      async prepare(target) {
        const document = await encodedDocument(target)
        const ids = keyQueue(
          taskId => target.setup.set(target.backend.keys.result(taskId), document, 'EX', benchTtlSeconds),
          () => target.freshId('delete'),
        )
        return { beforeEach: ids.beforeEach, call: () => target.backend.deleteResult(ids.take()) }
      },
    },
    {
      operation: 'setExpiration',
      controls: [
        {
          control: 'EXPIRE',
          target: plainCommandTarget,
          async prepare(target) {
            const key = target.rawKey(target.freshId('expire'))
            await target.setup.set(key, await encodedDocument(target), 'EX', benchTtlSeconds)
            return { call: () => target.raw.expire(key, benchTtlSeconds) }
          },
        },
      ],
      async prepare(target) {
        const taskId = target.freshId('expire')
        await target.backend.storeResult(smallResult(taskId), withTtl)
        return { call: () => target.backend.setExpiration(taskId, benchTtlSeconds) }
      },
    },
    {
      operation: 'chordInit',
      controls: [evalshaControl()],
      async prepare(target) {
        return { call: () => target.backend.chordInit({ chordId: target.freshId('chord'), total: 100 }) }
      },
    },
    {
      operation: 'chordCompleteTask',
      controls: [
        {
          control: 'INCR',
          target: chordCompleteTarget,
          async prepare(target) {
            const key = target.rawKey(target.freshId('incr'))
            return { call: () => target.raw.incr(key) }
          },
        },
        evalshaControl(),
      ],
      async prepare(target) {
        const chordId = target.freshId('chord')
        await target.backend.chordInit({ chordId, total: endlessChordTotal })
        return { call: () => target.backend.chordCompleteTask(chordId, target.freshId('task')) }
      },
    },
    {
      operation: 'chordGetState',
      controls: [
        {
          control: 'MGET ×2',
          async prepare(target) {
            const chordId = target.freshId('chord')
            await target.backend.chordInit({ chordId, total: 10 })
            const chordKeys = target.backend.keys.chord(chordId)
            const [state, counter] = await target.setup.mget(chordKeys.state, chordKeys.counter)
            const keys = [target.rawKey(target.freshId('state')), target.rawKey(target.freshId('counter'))]
            await target.setup.mset(keys[0] as string, state ?? '', keys[1] as string, counter ?? '0')
            return { call: () => target.raw.mget(keys) }
          },
        },
      ],
      async prepare(target) {
        const chordId = target.freshId('chord')
        await target.backend.chordInit({ chordId, total: 10 })
        await target.backend.chordCompleteTask(chordId, 'task-1')
        return { call: () => target.backend.chordGetState(chordId) }
      },
    },
    {
      operation: `storeResults (${batchSize})`,
      controls: [
        {
          control: `${batchSize}× SET EX`,
          async prepare(target) {
            const document = await encodedDocument(target)
            const nextId = target.idCycle('batch')
            return {
              call: () => {
                const pipeline = target.raw.pipeline()
                for (let index = 0; index < batchSize; index += 1) {
                  pipeline.set(target.rawKey(nextId()), document, 'EX', benchTtlSeconds)
                }
                return pipeline.exec()
              },
            }
          },
        },
      ],
      async prepare(target) {
        const meta = smallResult('template')
        const nextId = target.idCycle('batch')
        return {
          call: () => {
            const metas = Array.from({ length: batchSize }, () => withTaskId(meta, nextId()))
            return target.backend.storeResults(metas, withTtl)
          },
        }
      },
    },
    {
      operation: `getResults (${batchSize})`,
      controls: [
        {
          control: `MGET ×${batchSize}`,
          async prepare(target) {
            const document = await encodedDocument(target)
            const keys = Array.from({ length: batchSize }, () => target.rawKey(target.freshId('mget')))
            await target.setup.mset(...keys.flatMap(key => [key, document]))
            return { call: () => target.raw.mget(keys) }
          },
        },
      ],
      async prepare(target) {
        const taskIds = Array.from({ length: batchSize }, () => target.freshId('batch'))
        await target.backend.storeResults(taskIds.map(smallResult), withTtl)
        return { call: () => target.backend.getResults(taskIds) }
      },
    },
  ]
}

/** One Lua call doing the least a script can: the cost of EVALSHA itself, next to chordlab's scripts. */
function evalshaControl(): ControlSpec {
  return {
    control: 'EVALSHA',
    async prepare(target) {
      const sha = String(await target.raw.script('LOAD', trivialScript))
      const key = target.rawKey(target.freshId('script'))
      return { call: () => target.raw.evalsha(sha, 1, key) }
    },
  }
}
