/** Redis Cluster's slots: 0 to 16383. */
const slotCount = 16_384

// CRC16-CCITT (XModem), the checksum Redis Cluster hashes keys with; one table entry per byte value.
const crcTable = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  return crc
})

/**
 * The cluster slot of `key`, as Redis computes it: CRC16 of the key's bytes modulo 16384, or of
 * the hash tag only when the key holds a non-empty `{…}` (the first `{` and the first `}` after it).
 */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key)
  const open = bytes.indexOf(0x7b)
  const close = open === -1 ? -1 : bytes.indexOf(0x7d, open + 1)
  const hashed = close > open + 1 ? bytes.subarray(open + 1, close) : bytes
  let crc = 0
  for (const byte of hashed) crc = ((crc << 8) & 0xffff) ^ (crcTable[((crc >> 8) ^ byte) & 0xff] ?? 0)
  return crc % slotCount
}
