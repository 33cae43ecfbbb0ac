// Prints `N passed, N failed, N skipped` from vitest's JSON report. A missing or unreadable report
// means the runner itself failed, which counts as one failure rather than a silent zero.
import { readFileSync } from 'node:fs'

const file = process.argv[2]
try {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  const skipped = report.numPendingTests + report.numTodoTests
  const failedSuites = report.testResults.filter(
    suite => suite.status === 'failed' && suite.assertionResults.length === 0,
  )
  const failed = report.numFailedTests + failedSuites.length
  console.log(`${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`)
  if (report.numTotalTests === 0 || failed > 0) process.exitCode = 1
} catch (error) {
  console.log(`no readable test report at ${file}: ${error.message}`)
  console.log('0 passed, 1 failed')
  process.exitCode = 1
}
