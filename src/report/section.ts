/**
 * A suite's part of a report. `data` goes to results.json as it is; the renderers turn the same
 * data (never Redis, never a live process) into summary.md and the HTML page, so a report can be
 * re-rendered from its results.json alone.
 */
export interface SectionRenderer<Data> {
  /** Key under `sections` in results.json. */
  id: string
  title: string
  /** Checks that parsed JSON has the section's shape (for re-rendering and baseline comparison). */
  parse(json: unknown): Data
  markdown(data: Data): string
  /** An HTML fragment (tables, inline SVG charts); no scripts, no external resources. */
  html(data: Data): string
}
