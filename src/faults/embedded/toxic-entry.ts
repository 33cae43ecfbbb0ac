import type { ToxicAttributes, ToxicType } from './toxics/index.ts'

export type Direction = 'upstream' | 'downstream'

/** One toxic on one proxy, shared by all its connections; an update changes it in place. */
export interface ToxicEntry {
  readonly name: string
  readonly toxic: ToxicType
  /** As the client sent it (any letter case); `direction` is what it means. */
  readonly stream: string
  readonly direction: Direction
  toxicity: number
  readonly attributes: ToxicAttributes
}

/** The JSON the API shows for a toxic, in the real server's field order, every attribute included. */
export function toxicJson(entry: ToxicEntry): Record<string, unknown> {
  const attributes: Record<string, number> = {}
  for (const name of entry.toxic.attributeNames) attributes[name] = entry.attributes[name] ?? 0
  return {
    attributes,
    name: entry.name,
    type: entry.toxic.type,
    stream: entry.stream,
    toxicity: entry.toxicity,
  }
}
