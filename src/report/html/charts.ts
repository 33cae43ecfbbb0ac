import { escapeHtml } from './escape.ts'

/**
 * Inline SVG charts, so the report page opens offline with no script. Each chart is a fixed
 * viewBox that scales with the page width.
 */

const palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563']
const width = 760
const margin = { top: 28, right: 16, bottom: 44, left: 64 }

export function seriesColor(index: number): string {
  return palette[index % palette.length] ?? '#000'
}

export interface Bar {
  label: string
  value: number
  /** Bars of one group share a colour, listed in the legend. */
  group?: string
}

export function barChart(options: {
  title: string
  unit: string
  bars: Bar[]
  referenceLine?: { value: number; label: string }
}): string {
  const { bars } = options
  const rowHeight = 22
  // Roughly 7 px per character at 12 px system-ui, so long labels are not clipped on the left.
  const labelWidth = Math.min(380, Math.max(120, 12 + 7 * Math.max(...bars.map(bar => bar.label.length))))
  const height = margin.top + bars.length * rowHeight + 30
  const max = Math.max(...bars.map(bar => bar.value), options.referenceLine?.value ?? 0, Number.MIN_VALUE)
  const plotWidth = width - labelWidth - margin.right - 70
  const groups = [...new Set(bars.map(bar => bar.group ?? ''))]
  const x = (value: number) => labelWidth + (value / max) * plotWidth
  const rows = bars.map((bar, index) => {
    const y = margin.top + index * rowHeight
    const color = seriesColor(groups.indexOf(bar.group ?? ''))
    return (
      `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(bar.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, x(bar.value) - labelWidth).toFixed(1)}" height="${rowHeight - 6}" fill="${color}"/>` +
      `<text x="${(x(bar.value) + 4).toFixed(1)}" y="${y + 15}">${escapeHtml(formatNumber(bar.value))} ${escapeHtml(options.unit)}</text>`
    )
  })
  const reference = options.referenceLine
    ? `<line x1="${x(options.referenceLine.value)}" x2="${x(options.referenceLine.value)}" y1="${margin.top}" y2="${height - 26}" stroke="#111" stroke-dasharray="4 3"/>` +
      `<text x="${x(options.referenceLine.value) + 4}" y="${height - 12}">${escapeHtml(options.referenceLine.label)}</text>`
    : ''
  return svg(options.title, height, rows.join('') + reference, groups.length > 1 ? legend(groups) : '')
}

export interface Series {
  name: string
  points: Array<[x: number, y: number]>
}

/** Lines over a shared x axis; `logY` for latency tails. */
export function lineChart(options: {
  title: string
  xLabel: string
  yLabel: string
  series: Series[]
  logY?: boolean
  xTicks?: Array<[number, string]>
}): string {
  const height = 320
  const all = options.series.flatMap(series => series.points)
  if (all.length === 0) return svg(options.title, 60, '<text x="20" y="40">no data</text>', '')
  const xs = all.map(([px]) => px)
  const ys = all.map(([, py]) => py).filter(value => !options.logY || value > 0)
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)]
  const transform = (value: number) => (options.logY ? Math.log10(Math.max(value, Number.MIN_VALUE)) : value)
  const yMin = options.logY ? Math.floor(transform(Math.min(...ys))) : 0
  const yMax = options.logY ? Math.ceil(transform(Math.max(...ys))) : Math.max(...ys) * 1.05
  const plotRight = width - margin.right
  const plotBottom = height - margin.bottom
  const x = (value: number) => margin.left + ((value - xMin) / (xMax - xMin || 1)) * (plotRight - margin.left)
  const y = (value: number) =>
    plotBottom - ((transform(value) - yMin) / (yMax - yMin || 1)) * (plotBottom - margin.top)
  const yTicks = options.logY
    ? Array.from({ length: yMax - yMin + 1 }, (_, index) => 10 ** (yMin + index))
    : Array.from({ length: 5 }, (_, index) => (yMax / 4) * index)
  const grid = yTicks
    .map(
      tick =>
        `<line x1="${margin.left}" x2="${plotRight}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e5e7eb"/><text x="${margin.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(formatNumber(tick))}</text>`,
    )
    .join('')
  const xTicks = (
    options.xTicks ?? [
      [xMin, formatNumber(xMin)],
      [xMax, formatNumber(xMax)],
    ]
  )
    .map(
      ([value, label]) =>
        `<text x="${x(value).toFixed(1)}" y="${plotBottom + 16}" text-anchor="middle">${escapeHtml(label)}</text>`,
    )
    .join('')
  const lines = options.series
    .map((series, index) => {
      const path = series.points
        .filter(([, py]) => !options.logY || py > 0)
        .map(
          ([px, py], pointIndex) => `${pointIndex === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`,
        )
        .join('')
      return `<path d="${path}" fill="none" stroke="${seriesColor(index)}" stroke-width="1.8"/>`
    })
    .join('')
  const axes =
    `<line x1="${margin.left}" x2="${plotRight}" y1="${plotBottom}" y2="${plotBottom}" stroke="#111"/>` +
    `<text x="${(margin.left + plotRight) / 2}" y="${height - 8}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>` +
    `<text x="14" y="${(margin.top + plotBottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(margin.top + plotBottom) / 2})">${escapeHtml(options.yLabel)}</text>`
  return svg(
    options.title,
    height,
    grid + xTicks + lines + axes,
    legend(options.series.map(series => series.name)),
  )
}

function legend(names: string[]): string {
  const items = names
    .map(
      (name, index) =>
        `<span><i style="background:${seriesColor(index)}"></i>${escapeHtml(name || '—')}</span>`,
    )
    .join('')
  return `<div class="legend">${items}</div>`
}

function svg(title: string, height: number, body: string, after: string): string {
  return (
    `<figure><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" font-size="12" font-family="system-ui, sans-serif">${body}</svg>` +
    `${after}</figure>`
  )
}

export function formatNumber(value: number): string {
  if (value === 0) return '0'
  const magnitude = Math.abs(value)
  if (magnitude >= 100_000) return Math.round(value).toLocaleString('en-US')
  if (magnitude >= 100) return value.toFixed(0)
  if (magnitude >= 10) return value.toFixed(1)
  if (magnitude >= 1) return value.toFixed(2)
  return value.toPrecision(2)
}
