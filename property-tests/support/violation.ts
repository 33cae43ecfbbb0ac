/**
 * Thrown by a property when the system broke one of its invariants (as opposed to the harness
 * failing: Redis unreachable, a bug in a generator). It carries the counterexample in a readable
 * form, so the report shows what happened rather than fast-check's generated values alone.
 */
export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation'
  /** The run as it happened (the schedule of completions, the commands and their replies). */
  readonly trace: readonly string[]

  constructor(summary: string, trace: readonly string[]) {
    super(summary)
    this.trace = trace
  }
}

/** Throws a PropertyViolation listing `problems` when there are any. */
export function assertNoProblems(problems: readonly string[], trace: readonly string[]): void {
  if (problems.length === 0) return
  throw new PropertyViolation(problems.join('\n'), trace)
}
