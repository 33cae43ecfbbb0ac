import { defineConfig } from 'vitest/config'

// Every test file starts its own redis-server processes on free ports, so files can run in
// parallel; two workers match the two cores these machines have.
export default defineConfig({
  test: {
    include: [
      'test/**/*.test.ts',
      'property-tests/**/*.test.ts',
      'chaos/**/*.test.ts',
      'bench/**/*.test.ts',
      'interop/**/*.test.ts',
    ],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['test/global-setup.ts'],
  },
})
