import { readFile } from 'node:fs/promises'

/** The last `count` lines of a text file, or '' when it does not exist (yet). */
export async function readLastLines(path: string, count: number): Promise<string> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw error
  }
  return lastLines(text, count)
}

export function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n')
}
