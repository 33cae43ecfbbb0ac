import { apiErrors } from './api-error.ts'

/** A decoded JSON object body, read field by field with Go's decoding rules. */
export type JsonObject = Record<string, unknown>

/**
 * Parses a request body the way Go's `json.Decoder` would into a struct: an empty body is `EOF`,
 * malformed JSON or a non-object is a 400 `bad request body: …`.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw apiErrors.badRequestBody('EOF')
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw apiErrors.badRequestBody((error as Error).message)
  }
}

export function asObject(value: unknown, into: string): JsonObject {
  if (value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw apiErrors.badRequestBody(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${into}`)
  }
  return value as JsonObject
}

/** A string field; absent or null keeps `fallback` (Go leaves the field as it was). */
export function stringField(body: JsonObject, key: string, fallback: string, struct: string): string {
  const value = body[key]
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'string') throw mismatch(value, struct, key, 'string')
  return value
}

export function booleanField(body: JsonObject, key: string, fallback: boolean, struct: string): boolean {
  const value = body[key]
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'boolean') throw mismatch(value, struct, key, 'bool')
  return value
}

export function numberField(body: JsonObject, key: string, fallback: number, struct: string): number {
  const value = body[key]
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number') throw mismatch(value, struct, key, 'float32')
  return value
}

/** A Go int64 field: a fraction or a string is refused, as `json: cannot unmarshal …` would. */
export function integerField(body: JsonObject, key: string, fallback: number, struct: string): number {
  const value = body[key]
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw mismatch(value, struct, key, 'int64')
  }
  return value
}

function mismatch(value: unknown, struct: string, key: string, goType: string) {
  const kind = typeof value === 'number' ? `number ${value}` : jsonKind(value)
  return apiErrors.badRequestBody(
    `json: cannot unmarshal ${kind} into Go struct field ${struct}.${key} of type ${goType}`,
  )
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'object'
  return typeof value
}
