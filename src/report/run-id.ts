import { randomBytes } from 'node:crypto'

/** `2026-11-25T18-30-05Z-bench-3f9a`: sorts by time, names the suite, and never collides in one second. */
export function newRunId(suite: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')
  return `${stamp}-${suite}-${randomBytes(2).toString('hex')}`
}
