import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    environment: 'node',
    // Hang guards, not speed checks: a busy shared runner (two test files per core) can take
    // several times an idle machine's time on the heaviest property tests.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Vitest's default in run mode is one worker fewer than the cores: a single worker on a
    // 2-core runner, where importing tfjs into each of ~150 isolated test files is a large share
    // of the run. `npm test` runs the unit stage alone, so it may use every core.
    maxWorkers: Math.max(availableParallelism(), 1),
  },
})
