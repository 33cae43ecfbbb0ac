export interface Progress {
  line(text: string): void
  done(): void
}

/**
 * Progress on stderr: one live line rewritten in place on a terminal, plain timestamped lines in CI
 * or when stderr is a file or a pipe.
 */
export function progressPrinter(): Progress {
  const live = process.stderr.isTTY === true && !process.env.CI
  const started = Date.now()
  const stamp = () => `[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s]`
  if (!live) return { line: text => process.stderr.write(`${stamp()} ${text}\n`), done: () => {} }
  return {
    line: text =>
      process.stderr.write(`\r\x1b[K${stamp()} ${text.slice(0, (process.stderr.columns ?? 100) - 8)}`),
    done: () => process.stderr.write('\r\x1b[K'),
  }
}
