import { availableParallelism } from 'node:os'
import { relative } from 'node:path'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The slowest test files (tens of seconds each on 2 cores: a Slurm job array, sharded audits and
 * drifts run pass by pass), started first. Vitest orders files by the durations of the last run,
 * which a fresh clone has not got; it then runs the largest files first, and the small
 * test/slurm/slurm.test.ts (mostly waiting on the batch system) came last and set the stage's end.
 */
const SLOW_FIRST = [
  'test/slurm/slurm.test.ts',
  'test/cli/driftShards.test.ts',
  'test/cli/scale.test.ts',
  'test/core/shap.test.ts',
  'test/cli/bin.test.ts',
  'test/cli/audit.test.ts',
]

/** Vitest's order, with SLOW_FIRST ahead of every other file. */
class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(relative(this.ctx.config.root, f.moduleId))
      return i < 0 ? SLOW_FIRST.length : i
    }
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}

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
    // 2-core runner. Every core is used (`npm test` runs typecheck and lint beside it, which wait
    // on nothing and fill the moments the unit tests wait).
    maxWorkers: Math.max(availableParallelism(), 1),
    // Test files share their worker process's module cache instead of each importing tfjs,
    // onnxruntime-web and the core afresh (the import share of the unit stage went from ~60 s to
    // ~20 s on 2 cores). A file therefore sets what it relies on — tfjs backends are set
    // explicitly ('cpu' in Node) — and test/setup.ts undoes the one global a dependency leaves.
    isolate: false,
    sequence: { sequencer: SlowFirst },
  },
})
