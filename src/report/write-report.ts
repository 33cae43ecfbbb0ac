import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { htmlPage } from './html/page.ts'
import { type RunResults, resultsSchema } from './schema.ts'
import type { SectionRenderer } from './section.ts'

export interface WrittenReport {
  dir: string
  resultsFile: string
  summaryFile: string
  pageFile: string
}

/**
 * Writes `results.json`, `summary.md` and `index.html` for one run. Sections are rendered by the
 * renderers given, in their order; a section without a renderer is kept in results.json only.
 */
export function writeReport(
  dir: string,
  results: RunResults,
  renderers: ReadonlyArray<SectionRenderer<unknown>>,
): WrittenReport {
  mkdirSync(dir, { recursive: true })
  const report: WrittenReport = {
    dir,
    resultsFile: path.join(dir, 'results.json'),
    summaryFile: path.join(dir, 'summary.md'),
    pageFile: path.join(dir, 'index.html'),
  }
  writeFileSync(report.resultsFile, `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(report.summaryFile, renderSummary(results, renderers))
  writeFileSync(report.pageFile, renderPage(results, renderers))
  return report
}

function present(results: RunResults, renderers: ReadonlyArray<SectionRenderer<unknown>>) {
  return renderers
    .filter(renderer => renderer.id in results.sections)
    .map(renderer => ({ renderer, data: renderer.parse(results.sections[renderer.id]) }))
}

export function renderSummary(
  results: RunResults,
  renderers: ReadonlyArray<SectionRenderer<unknown>>,
): string {
  const sections = present(results, renderers).map(
    ({ renderer, data }) => `## ${renderer.title}\n\n${renderer.markdown(data).trim()}\n`,
  )
  return [
    `# chordlab ${results.profile} run ${results.runId}`,
    '',
    environmentLine(results),
    '',
    ...sections,
  ].join('\n')
}

export function renderPage(results: RunResults, renderers: ReadonlyArray<SectionRenderer<unknown>>): string {
  const body = present(results, renderers)
    .map(
      ({ renderer, data }) =>
        `<section id="${renderer.id}"><h2>${renderer.title}</h2>\n${renderer.html(data)}</section>`,
    )
    .join('\n')
  return htmlPage(`chordlab ${results.profile} run ${results.runId}`, environmentLine(results), body)
}

function environmentLine({ environment: env, startedAt, schema }: RunResults): string {
  const redis = `Redis ${env.redis.version} (${env.redis.source}, persistence ${env.redis.persistence})`
  return `${startedAt} · ${redis} · Node ${env.node} · ${env.cpu.cores}× ${env.cpu.model} · git ${env.gitRevision.slice(0, 12)} · ${schema === resultsSchema ? schema : `${schema} (unknown version)`}`
}
