/**
 * Celery writes `datetime.isoformat()`: `2026-08-08T14:15:20.123456+00:00`, sometimes without the
 * fraction or without an offset; Rust's chrono writes `…Z` with 0 to 9 fraction digits. All of
 * them read back here; a time without an offset is UTC (what Celery means by it).
 */
const isoTimestamp =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i

export function parseTimestamp(text: string): Date | undefined {
  const match = isoTimestamp.exec(text)
  if (!match) return undefined
  const [, year, month, day, hour, minute, second, fraction = '', offset = 'Z'] = match
  const milliseconds = Number(fraction.padEnd(3, '0').slice(0, 3))
  // Date.UTC reads years 0-99 as 1900-1999, so the year is set on its own, after a leap year
  // (2000) has let February 29 through for the calendar check below.
  const utc = new Date(
    Date.UTC(
      2000,
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second),
      milliseconds,
    ),
  ).setUTCFullYear(Number(year))
  // Date.UTC rolls 2026-02-31 over into March; a calendar date that does not exist is refused instead.
  const calendar = new Date(utc)
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return undefined
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined
  const date = new Date(utc - offsetMinutes(offset) * 60_000)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** Python's datetime (and so Celery) covers years 1 to 9999; outside that a stored time could not be read back. */
export function isStorableTimestamp(date: Date): boolean {
  const year = date.getUTCFullYear()
  return year >= 1 && year <= 9999
}

/** Python's isoformat with microseconds and an explicit UTC offset, which Celery and chrono both read. */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000+00:00`
}

function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0
  const sign = offset.startsWith('-') ? -1 : 1
  const digits = offset.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)))
}
