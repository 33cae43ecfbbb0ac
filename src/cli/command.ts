/** One `chordlab <name>` command: parses its own arguments, resolves to the process exit code. */
export interface Command {
  name: string
  /** One line for `chordlab --help`, then option lines, each starting with two spaces. */
  help: string
  run(args: string[]): Promise<number>
}
