import { escapeHtml } from './escape.ts'

export interface Cell {
  text: string
  /** Marks a pass/fail cell. */
  status?: 'met' | 'not-met' | 'info'
  numeric?: boolean
}

export type CellInput = string | number | Cell

function cell(input: CellInput): Cell {
  if (typeof input === 'string') return { text: input }
  if (typeof input === 'number') return { text: String(input), numeric: true }
  return input
}

export function htmlTable(headers: string[], rows: CellInput[][]): string {
  const head = headers.map(header => `<th>${escapeHtml(header)}</th>`).join('')
  const body = rows
    .map(row => {
      const cells = row.map(input => {
        const { text, status, numeric } = cell(input)
        const classes = [status, numeric ? 'num' : undefined].filter(Boolean).join(' ')
        return `<td${classes ? ` class="${classes}"` : ''}>${escapeHtml(text)}</td>`
      })
      return `<tr>${cells.join('')}</tr>`
    })
    .join('\n')
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

export function markdownTable(headers: string[], rows: CellInput[][]): string {
  const line = (cells: string[]) => `| ${cells.map(text => text.replace(/\|/g, '\\|')).join(' | ')} |`
  const alignment = headers.map((_, index) =>
    rows.some(row => cell(row[index] ?? '').numeric) ? '---:' : '---',
  )
  return [
    line(headers),
    `|${alignment.join('|')}|`,
    ...rows.map(row => line(row.map(input => markdownCell(cell(input))))),
  ].join('\n')
}

function markdownCell({ text, status }: Cell): string {
  if (status === 'met') return `✅ ${text}`
  if (status === 'not-met') return `❌ ${text}`
  return text
}
