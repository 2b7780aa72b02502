import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Browser suites first, then integration, then unit: the long files start while the short ones
 * fill the other worker, so the run does not end on one long file (Vitest's own order, which
 * this keeps within each group, knows durations only from an earlier run, which CI never has).
 */
class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => (spec.moduleId.includes('/test/e2e/') ? 0 : spec.moduleId.includes('/test/integration/') ? 1 : 2);
    const sorted = await super.sort(files);
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
      .map(({ spec }) => spec);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Fixture builds run Astro in-process; separate processes keep their module state apart.
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine. Most suites
    // wait on servers, mail and browsers more than they compute, so two share two cores well.
    maxWorkers: Math.max(2, os.availableParallelism()),
    sequence: { sequencer: SlowFirst },
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
