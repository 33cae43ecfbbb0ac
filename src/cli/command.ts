/** One `chordlab <name>` command: parses its own arguments, resolves to the process exit code. */
export interface Command {
  name: string
  /** One line for `chordlab --help`, then option lines, each starting with two spaces. */
  help: string
  run(args: string[]): Promise<number>
}

/** A command whose suite is not built yet: it says so and fails, so nobody mistakes it for a pass. */
export function notYet(name: string, help: string, plannedIn: string): Command {
  return {
    name,
    help: `${help} (not yet)`,
    async run() {
      console.error(`chordlab ${name}: not yet (planned in ${plannedIn})`)
      return 2
    },
  }
}
