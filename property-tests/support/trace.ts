/**
 * A run's events on a logical clock: one tick per event, so "before" and "after" are exact and a
 * replayed run prints the same lines. The lines are the readable counterexample.
 */
export class RunTrace {
  readonly lines: string[] = []
  readonly #lineOfTick = new Map<number, number>()
  #clock = 0

  constructor(header: readonly string[] = []) {
    this.lines.push(...header)
  }

  /** Records `text` at the next tick and returns the tick. */
  event(text: string): number {
    this.#clock += 1
    this.#lineOfTick.set(this.#clock, this.lines.length)
    this.lines.push(`${String(this.#clock).padStart(4)}  ${text}`)
    return this.#clock
  }

  /** Appends to the line of an earlier event (a command's reply after the command). */
  amend(tick: number, text: string): void {
    const index = this.#lineOfTick.get(tick)
    if (index !== undefined) this.lines[index] += text
  }

  note(text: string): void {
    this.lines.push(text)
  }
}
