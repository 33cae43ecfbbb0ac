/**
 * Renders a report page in headless Chromium and saves a PNG, to check the page really renders
 * offline and to refresh the README's screenshot:
 *
 *   npm run report:screenshot -- reports/<run-id> [docs/bench-report.png]
 *
 * Chromium is looked up as $CHROMIUM_BIN, then chromium, chromium-browser, google-chrome (Debian:
 * `apt-get install chromium`). It runs with a fresh profile directory and no network features,
 * so the screenshot shows exactly what an offline reader of the artifact sees.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const candidates = ['chromium', 'chromium-browser', 'google-chrome']
const windowSize = '1200,3000'
const timeoutMs = 60_000

function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_BIN
  if (fromEnv) return fromEnv
  for (const name of candidates) {
    if (spawnSync('which', [name], { stdio: 'ignore' }).status === 0) return name
  }
  throw new Error(`no Chromium found (tried ${candidates.join(', ')}); install it or set CHROMIUM_BIN`)
}

function pageOf(target: string): string {
  const page = statSync(target).isDirectory() ? path.join(target, 'index.html') : target
  if (!existsSync(page)) throw new Error(`${page} does not exist`)
  return path.resolve(page)
}

function screenshot(page: string, output: string): void {
  const profileDir = mkdtempSync(path.join(tmpdir(), 'chordlab-chromium-'))
  try {
    const run = spawnSync(
      findChromium(),
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profileDir}`,
        `--screenshot=${path.resolve(output)}`,
        `--window-size=${process.env.SCREENSHOT_SIZE ?? windowSize}`,
        pathToFileURL(page).href,
      ],
      { encoding: 'utf8', timeout: timeoutMs },
    )
    if (run.error) throw run.error
    if (run.status !== 0 || !existsSync(output)) {
      throw new Error(
        `chromium exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      )
    }
  } finally {
    rmSync(profileDir, { recursive: true, force: true })
  }
}

const [target, output = 'docs/bench-report.png'] = process.argv.slice(2)
if (target === undefined) {
  console.error('usage: tsx scripts/screenshot-report.ts <report dir or index.html> [output.png]')
  process.exit(2)
}
const page = pageOf(target)
screenshot(page, output)
console.log(
  `${output}: ${(statSync(output).size / 1024).toFixed(0)} KB, ${windowSize.replace(',', '×')} px of ${page}`,
)
