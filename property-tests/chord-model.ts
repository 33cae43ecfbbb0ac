import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import type { Redis } from 'ioredis'
import { RedisResultBackend } from '../src/backend/backend.ts'
import type { ChordBarrier } from '../src/backend/barrier/index.ts'
import { type BackendErrorKind, isBackendError, toBackendError } from '../src/backend/errors.ts'
import type { ChordProgress } from '../src/backend/types.ts'
import type { StartedRedisServer } from '../src/servers/index.ts'
import { barrierOf, barrierVariants } from './support/barrier-variants.ts'
import { resendAfterLostReply, routeCommands } from './support/command-proxy.ts'
import {
  type PropertyDefinition,
  type RunSettings,
  usesExternalRedis,
  type Variant,
} from './support/definition.ts'
import { pollUntil } from './support/poll.ts'
import { openPropertyRedis, openScriptedClient, propertyNamespace } from './support/redis.ts'
import { RunTrace } from './support/trace.ts'
import { PropertyViolation } from './support/violation.ts'

/**
 * Model-based: random sequences of chord operations, Redis crashes included, run against the real
 * backend and against a plain in-memory model; after every command the replies and what Redis
 * holds must match the model.
 */

const chordNames = ['c0', 'c1'] as const
const taskNames = ['t0', 't1', 't2', 't3', 't4'] as const
const chordTtlSeconds = 3_600
/** A chord created by the model has this creation time, so chordGetState can be compared whole. */
const createdAt = new Date('2026-01-02T03:04:05.678Z')
const expiryTimeoutMs = 2_000
const reconnectTimeoutMs = 10_000

interface ModelChord {
  total: number
  /** Task ids counted, in the order they were counted. */
  counted: string[]
}

interface ChordsModel {
  chords: Map<string, ModelChord>
}

interface RealChords {
  backend: RedisResultBackend
  /** Plain connection for reading behind the backend's back (TTLs, key existence). */
  raw: Redis
  /** The same kind of connection, but every command is sent twice and the first reply lost. */
  resending: Redis
  barrier: ChordBarrier
  /** The server to crash, when chordlab started it. */
  server: StartedRedisServer | undefined
  trace: RunTrace
  /** Chord ids are per run, so runs never see each other's chords. */
  chordId(name: string): string
}

type Outcome<T> = { ok: T } | { error: BackendErrorKind }

type ChordCommand = fc.AsyncCommand<ChordsModel, RealChords>

class InitCommand implements ChordCommand {
  constructor(
    readonly chord: string,
    readonly total: number,
  ) {}
  check(): boolean {
    return true
  }
  async run(model: ChordsModel, real: RealChords): Promise<void> {
    const existing = model.chords.get(this.chord)
    const expected: Outcome<boolean> =
      existing === undefined
        ? { ok: true }
        : existing.total === this.total
          ? { ok: false }
          : { error: 'InvalidInput' }
    const actual = await outcome(() =>
      real.backend.chordInit({ chordId: real.chordId(this.chord), total: this.total, createdAt }),
    )
    if (existing === undefined) model.chords.set(this.chord, { total: this.total, counted: [] })
    await compareWithModel(this, model, real, actual, expected)
  }
  toString(): string {
    return `init(${this.chord}, total ${this.total})`
  }
}

/** How a completion reaches the backend: first delivery, a redelivery of a counted task, or a transport resend. */
type Delivery = 'deliver' | 'redeliver' | 'resend'

class CompleteCommand implements ChordCommand {
  /** For a redelivery, which counted task is picked is only known once the model is. */
  #task: string

  constructor(
    readonly chord: string,
    task: string,
    readonly delivery: Delivery,
    readonly pick = 0,
  ) {
    this.#task = task
  }
  check(model: Readonly<ChordsModel>): boolean {
    return this.delivery !== 'redeliver' || (model.chords.get(this.chord)?.counted.length ?? 0) > 0
  }
  async run(model: ChordsModel, real: RealChords): Promise<void> {
    const chord = model.chords.get(this.chord)
    if (this.delivery === 'redeliver' && chord)
      this.#task = chord.counted[this.pick % chord.counted.length] ?? this.#task
    const expected = expectedProgress(chord, this.#task)
    const chordId = real.chordId(this.chord)
    const actual = await outcome<ChordProgress>(() =>
      this.delivery === 'resend'
        ? real.barrier
            .complete(real.resending, real.backend.keys.chord(chordId), this.#task)
            .catch((error: unknown) => Promise.reject(toBackendError(error, 'chordCompleteTask (resent)')))
        : real.backend.chordCompleteTask(chordId, this.#task),
    )
    // The caller of a resent call sees the resend's reply: the task is in, but not by this reply.
    const seen =
      this.delivery === 'resend' && 'ok' in expected ? { ok: { ...expected.ok, counted: false } } : expected
    if (chord && 'ok' in expected && expected.ok.counted) chord.counted.push(this.#task)
    await compareWithModel(this, model, real, actual, seen)
  }
  toString(): string {
    const verb = { deliver: 'complete', redeliver: 'redeliver', resend: 'complete, resent' }[this.delivery]
    return `${verb}(${this.chord}, ${this.#task})`
  }
}

class GetStateCommand implements ChordCommand {
  constructor(readonly chord: string) {}
  check(): boolean {
    return true
  }
  async run(model: ChordsModel, real: RealChords): Promise<void> {
    const chordId = real.chordId(this.chord)
    const chord = model.chords.get(this.chord)
    const expected = {
      ok:
        chord === undefined
          ? null
          : {
              chordId,
              total: chord.total,
              completed: chord.counted.length,
              callback: null,
              taskIds: [],
              createdAt,
            },
    }
    await compareWithModel(
      this,
      model,
      real,
      await outcome(() => real.backend.chordGetState(chordId)),
      expected,
    )
  }
  toString(): string {
    return `getState(${this.chord})`
  }
}

class DeleteCommand implements ChordCommand {
  constructor(readonly chord: string) {}
  check(): boolean {
    return true
  }
  async run(model: ChordsModel, real: RealChords): Promise<void> {
    const expected = { ok: model.chords.has(this.chord) }
    const actual = await outcome(() => real.backend.chordDelete(real.chordId(this.chord)))
    model.chords.delete(this.chord)
    await compareWithModel(this, model, real, actual, expected)
  }
  toString(): string {
    return `delete(${this.chord})`
  }
}

/**
 * The chord's TTL running out, for real: every key must carry the chord TTL set at init (and kept
 * by every completion since), then it is cut to a few milliseconds and Redis must drop all of them.
 */
class ExpireCommand implements ChordCommand {
  constructor(readonly chord: string) {}
  check(model: Readonly<ChordsModel>): boolean {
    return model.chords.has(this.chord)
  }
  async run(model: ChordsModel, real: RealChords): Promise<void> {
    const keys = Object.values(real.backend.keys.chord(real.chordId(this.chord)))
    const ttls = await Promise.all(keys.map(key => real.raw.pttl(key)))
    const withoutTtl = keys.filter((_, index) => {
      const ttl = ttls[index] ?? -2
      return !(ttl > 0 && ttl <= chordTtlSeconds * 1000)
    })
    if (withoutTtl.length > 0) {
      throw new PropertyViolation(
        `${this}: ${withoutTtl.join(', ')} do(es) not carry the chord TTL (PTTL ${ttls.join(', ')})`,
        real.trace.lines,
      )
    }
    await Promise.all(keys.map(key => real.raw.pexpire(key, 5)))
    const gone = await pollUntil(async () => (await real.raw.exists(...keys)) === 0, {
      timeoutMs: expiryTimeoutMs,
    })
    model.chords.delete(this.chord)
    await compareWithModel(this, model, real, { ok: gone }, { ok: true })
  }
  toString(): string {
    return `expire(${this.chord})`
  }
}

/** SIGKILL and restart under aof-always: every acknowledged write was fsynced, so the model is unchanged. */
class RestartCommand implements ChordCommand {
  check(): boolean {
    return true
  }
  async run(model: ChordsModel, real: RealChords): Promise<void> {
    if (real.server === undefined) throw new Error('restart needs a server chordlab started')
    await real.server.restart({ graceful: false })
    const back = await pollUntil(async () => (await real.raw.ping().catch(() => 'down')) === 'PONG', {
      timeoutMs: reconnectTimeoutMs,
      intervalMs: 20,
    })
    await compareWithModel(this, model, real, { ok: back }, { ok: true })
  }
  toString(): string {
    return 'crash Redis (SIGKILL) and restart it'
  }
}

/** What a completion must answer, given the model's chord before it. */
function expectedProgress(chord: ModelChord | undefined, task: string): Outcome<ChordProgress> {
  if (chord === undefined) return { error: 'NotFound' }
  const { total, counted } = chord
  if (counted.includes(task))
    return { ok: { completed: counted.length, total, isLast: false, counted: false } }
  if (counted.length >= total) return { ok: { completed: total, total, isLast: false, counted: false } }
  const completed = counted.length + 1
  return { ok: { completed, total, isLast: completed === total, counted: true } }
}

async function outcome<T>(action: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await action() }
  } catch (error) {
    if (isBackendError(error)) return { error: error.kind }
    throw error
  }
}

/**
 * Called once the model has taken the command. Records the command and its reply, compares the
 * reply with the model's, then what Redis holds for every chord with the model: a chord the model
 * has must have its state and exactly the model's count; one it does not have must have left no
 * key behind.
 */
async function compareWithModel<T>(
  command: ChordCommand,
  model: ChordsModel,
  real: RealChords,
  actual: Outcome<T>,
  expected: Outcome<T>,
): Promise<void> {
  real.trace.event(`${command}  -> ${show(actual)}`)
  const problems: string[] = []
  if (!isDeepStrictEqual(actual, expected)) {
    problems.push(`${command} answered ${show(actual)}; the model expects ${show(expected)}`)
  }
  for (const name of chordNames) {
    const chord = model.chords.get(name)
    const keys = real.backend.keys.chord(real.chordId(name))
    const [stateExists, counter, membersExist] = await Promise.all([
      real.raw.exists(keys.state),
      real.raw.get(keys.counter),
      real.raw.exists(keys.members),
    ])
    if (chord === undefined) {
      const left = [
        stateExists ? 'state' : '',
        counter !== null ? `counter ${counter}` : '',
        membersExist ? 'members' : '',
      ]
      const leftovers = left.filter(Boolean)
      if (leftovers.length > 0)
        problems.push(
          `after ${command}: ${name} does not exist in the model, Redis still holds its ${leftovers.join(', ')}`,
        )
    } else if (!stateExists || counter !== String(chord.counted.length)) {
      problems.push(
        `after ${command}: ${name} has counted ${chord.counted.length} in the model, Redis holds ${stateExists ? 'its state' : 'no state'} and counter ${JSON.stringify(counter)}`,
      )
    }
  }
  if (problems.length > 0) throw new PropertyViolation(problems.join('\n'), real.trace.lines)
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined'
}

function commandArbitrary(restartable: boolean): fc.Arbitrary<ChordCommand> {
  const chord = fc.constantFrom(...chordNames)
  const task = fc.constantFrom(...taskNames)
  const weighted = (arbitrary: fc.Arbitrary<ChordCommand>, weight: number) => ({ arbitrary, weight })
  return fc.oneof(
    weighted(
      fc.tuple(chord, fc.integer({ min: 1, max: 4 })).map(([name, total]) => new InitCommand(name, total)),
      3,
    ),
    weighted(
      fc.tuple(chord, task).map(([name, id]) => new CompleteCommand(name, id, 'deliver')),
      5,
    ),
    weighted(
      fc
        .tuple(chord, fc.nat({ max: taskNames.length - 1 }))
        .map(([name, pick]) => new CompleteCommand(name, 't?', 'redeliver', pick)),
      2,
    ),
    weighted(
      fc.tuple(chord, task).map(([name, id]) => new CompleteCommand(name, id, 'resend')),
      2,
    ),
    weighted(
      chord.map(name => new GetStateCommand(name)),
      2,
    ),
    weighted(
      chord.map(name => new DeleteCommand(name)),
      1,
    ),
    weighted(
      chord.map(name => new ExpireCommand(name)),
      1,
    ),
    ...(restartable ? [weighted(fc.constant(new RestartCommand()), 1)] : []),
  )
}

/**
 * The teeth of the crash command: the same exact barrier on a server that persists nothing. A
 * crash then loses every chord, which the model (nothing is lost) must notice.
 */
const crashLosesDataVariant: Variant = {
  name: 'reference-no-persistence',
  expectation: 'fails',
  about:
    'the reference barrier on a server with persistence none: a crash loses the chords, which the model must catch',
  needsOwnServer: true,
}

export const chordModelProperty: PropertyDefinition = {
  id: 'chord-model',
  title: 'Chord operations against an in-memory model, with Redis crashes',
  guarantees:
    "over random sequences of init, complete, redelivery, transport resend, getState, delete, TTL expiry and (on a server chordlab started) SIGKILL + restart under aof-always, every reply equals the model's and after every command Redis holds exactly the model's chords and counts, with the chord TTL on every key and no key left behind by a missing chord. It does not cover profiles that lose writes (none, rdb, aof-everysec): there the chord is gone or older after a crash, which the chaos suite measures. Under REDIS_URL the restart command is left out.",
  variants: [...barrierVariants, crashLosesDataVariant],
  runs: { quick: 15, deep: 200 },
  replayable: true,
  timeoutMs: 180_000,
  async open() {
    const durable = await openPropertyRedis('aof-always')
    const forgetful = usesExternalRedis() ? undefined : await openPropertyRedis('none')
    const namespace = propertyNamespace('chord-model')
    const connections: Redis[] = []
    const backends: RedisResultBackend[] = []
    const connect = (url: string) => {
      const connection = openScriptedClient(url)
      connections.push(connection)
      return connection
    }
    let runNumber = 0
    return {
      redis: durable.environment,
      property(variant: Variant, settings: RunSettings) {
        const crashing = variant === crashLosesDataVariant
        const redis = crashing ? forgetful : durable
        if (redis === undefined)
          throw new Error(`${variant.name} needs a server chordlab started (REDIS_URL is set)`)
        const barrier = crashing ? barrierOf({ ...variant, name: 'reference' }) : barrierOf(variant)
        const backend = new RedisResultBackend(redis.url, {
          namespace,
          barrier: barrier.name,
          chordTtlSeconds,
        })
        backends.push(backend)
        const raw = connect(redis.url)
        const resending = routeCommands(connect(redis.url), resendAfterLostReply)
        const commands = fc.commands([commandArbitrary(redis.server !== undefined)], {
          maxCommands: 30,
          size: 'medium',
          ...(settings.replayPath === undefined ? {} : { replayPath: settings.replayPath }),
        })
        return fc.asyncProperty(commands, async sequence => {
          runNumber += 1
          const run = runNumber
          const setup = () => ({
            model: { chords: new Map<string, ModelChord>() },
            real: {
              backend,
              raw,
              resending,
              barrier,
              server: redis.server,
              trace: new RunTrace([
                `barrier ${variant.name}; chords ${chordNames.join(', ')}, tasks ${taskNames.join(', ')}; each command -> its reply:`,
              ]),
              chordId: (name: string) => `run-${run}-${name}`,
            },
          })
          await fc.asyncModelRun(setup, sequence)
        })
      },
      async [Symbol.asyncDispose]() {
        for (const connection of connections) connection.disconnect()
        await Promise.all(backends.map(backend => backend.close()))
        await durable[Symbol.asyncDispose]()
        await forgetful?.[Symbol.asyncDispose]()
      },
    }
  },
}
