#!/usr/bin/env bash
# The README's test command: set up, type-check, run every vitest suite against real redis-server
# processes, then print the plain closing line `N passed, N failed, N skipped` that CI reads.
# Extra arguments go to vitest (e.g. `npm test -- test/backend-chord.test.ts`).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh || exit 1
npx tsc --noEmit || { echo "0 passed, 1 failed"; exit 1; }

results=reports/tests/vitest.json
mkdir -p "$(dirname "$results")"
rm -f "$results"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
status=$?
node scripts/test-summary.mjs "$results" || status=1
exit "$status"
