/** A mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

export function wholeNumber(text: string, flag: string, minimum: number): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < minimum)
    throw new UsageError(`${flag} must be a whole number >= ${minimum}`)
  return value
}

export function rate(text: string, flag: string): number {
  const value = Number(text)
  if (!(value >= 0 && value <= 1)) throw new UsageError(`${flag} must be a number from 0 to 1`)
  return value
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}`)
  return value as T
}
