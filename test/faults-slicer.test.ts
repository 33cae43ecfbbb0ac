import { describe, expect, it } from 'vitest'
import { sliceOffsets } from '../src/faults/embedded/toxics/slicer.ts'
import { seededRandom } from '../src/workloads/random.ts'
import { proxiedPair } from './faults-tcp-peer.ts'

describe('the slicer toxic', () => {
  it('cuts a chunk into pieces of average ± variation bytes that cover it exactly', () => {
    const random = seededRandom(7)
    for (const [length, average, variation] of [
      [1_000, 10, 5],
      [65_536, 1, 0],
      [37, 8, 7],
      [5, 10, 3],
    ] as const) {
      const offsets = sliceOffsets(0, length, average, variation, random)
      expect(offsets[0]).toBe(0)
      expect(offsets.at(-1)).toBe(length)
      const sizes = offsets.slice(1).map((offset, index) => offset - (offsets[index] ?? 0))
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1)
      expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.max(average + variation, 1))
    }
  })

  it('delivers every byte in order, in several pieces', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({
      type: 'slicer',
      attributes: { average_size: 10, size_variation: 5, delay: 2_000 },
    } as never)
    const payload = Array.from({ length: 40 }, (_, index) => `${index},`).join('')
    server.socket.write(payload)
    expect(await client.receivedAll(payload)).toBe(true)
    expect(client.chunks.length).toBeGreaterThan(1)
  })

  it('survives settings the real server crashes on (average 0, variation ≥ average)', async () => {
    const pair = await proxiedPair()
    const { client, server } = await pair.open()
    await pair.proxy.addToxic({ type: 'slicer', attributes: { average_size: 0, size_variation: 9 } } as never)
    server.socket.write('still whole')
    expect(await client.receivedAll('still whole')).toBe(true)
  })
})
