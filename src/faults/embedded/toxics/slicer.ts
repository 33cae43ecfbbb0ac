import { interrupted } from '../stub.ts'
import { attribute, type ToxicType } from './toxic.ts'

/**
 * Cuts each chunk into pieces of about `average_size` ± `size_variation` bytes, splitting near
 * the middle again and again, and sends them `delay` µs apart.
 *
 * The real server crashes on `average_size < 1` and on `size_variation >= average_size` (and
 * draws `rand.Intn(0)` when the variation is 0); here the average is taken as at least 1 and the
 * variation as at most `average_size - 1`, and a variation of 0 cuts exactly in the middle.
 */
export const slicerToxic: ToxicType = {
  type: 'slicer',
  attributeNames: ['average_size', 'size_variation', 'delay'],
  bufferSize: 0,
  async pipe(stub, attributes, random) {
    for (;;) {
      const chunk = await stub.next()
      if (chunk === interrupted) return
      if (chunk === null) return stub.close()
      const average = Math.max(1, attribute(attributes, 'average_size'))
      const variation = Math.min(Math.max(0, attribute(attributes, 'size_variation')), average - 1)
      const cuts = sliceOffsets(0, chunk.data.length, average, variation, random)
      for (let index = 1; index < cuts.length; index++) {
        const from = cuts[index - 1] ?? 0
        const to = cuts[index] ?? chunk.data.length
        await stub.send({ data: chunk.data.subarray(from, to), timestamp: chunk.timestamp })
        if ((await stub.sleep(attribute(attributes, 'delay') / 1000)) === interrupted) {
          if (to < chunk.data.length)
            await stub.send({ data: chunk.data.subarray(to), timestamp: chunk.timestamp })
          return
        }
      }
    }
  },
}

/** Offsets `[start, …cut points…, end]` of the pieces, as Go's `SlicerToxic.chunk` computes them. */
export function sliceOffsets(
  start: number,
  end: number,
  average: number,
  variation: number,
  random: () => number,
): number[] {
  const offsets = [start]
  // An explicit stack instead of Go's recursion: a 64 KiB read cut into 1-byte pieces is deep.
  const pending: Array<[number, number]> = [[start, end]]
  while (pending.length > 0) {
    const [from, to] = pending.pop() as [number, number]
    if (to - from - average <= variation) {
      offsets.push(to)
      continue
    }
    const shift = variation > 0 ? Math.floor(random() * 2 * variation) - variation : 0
    const middle = Math.min(to - 1, Math.max(from + 1, from + Math.floor((to - from) / 2) + shift))
    pending.push([middle, to], [from, middle])
  }
  return offsets
}
