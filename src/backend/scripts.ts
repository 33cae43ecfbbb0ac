import { readFileSync } from 'node:fs'
import type { Result } from 'ioredis'
import type { RedisClient } from './connection.ts'

/**
 * The backend's Lua scripts live as files in `./lua`, named `<command>-<numberOfKeys>.lua`. They
 * are registered on a client with ioredis's defineCommand, which sends EVALSHA and falls back to
 * EVAL when the server has not seen the script (after a restart, on a new connection).
 */
const scriptFiles = ['chordInit-3.lua', 'chordComplete-2.lua'] as const

declare module 'ioredis' {
  interface RedisCommander<Context> {
    chordInit(
      state: string,
      counter: string,
      members: string,
      stateJson: string,
      total: number,
      ttlMs: number,
    ): Result<0 | 1, Context>
    chordComplete(
      counter: string,
      members: string,
      taskId: string,
      token: string,
    ): Result<[number, number, 0 | 1, 0 | 1], Context>
  }
}

interface ScriptDefinition {
  name: string
  numberOfKeys: number
  lua: string
}

let definitions: ScriptDefinition[] | undefined

function loadDefinitions(): ScriptDefinition[] {
  definitions ??= scriptFiles.map(file => {
    const match = /^(\w+)-(\d+)\.lua$/.exec(file)
    if (!match?.[1] || !match[2])
      throw new Error(`script file ${file} is not named <command>-<numberOfKeys>.lua`)
    return {
      name: match[1],
      numberOfKeys: Number(match[2]),
      lua: readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8'),
    }
  })
  return definitions
}

export function defineScripts(client: RedisClient): void {
  for (const { name, numberOfKeys, lua } of loadDefinitions())
    client.defineCommand(name, { numberOfKeys, lua })
}
