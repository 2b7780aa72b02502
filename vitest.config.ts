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

/**
 * Suites that measure time or race on purpose run alone, after the others: Lighthouse's scores
 * (a busy CPU is a slow phone to it), a server killed mid-burst, and three servers plus HAProxy
 * racing to push to one Git repository. Beside another suite they would measure the machine.
 */
const ALONE = [
  'test/e2e/lighthouse.test.ts',
  'test/integration/crash-durability.test.ts',
  'test/integration/cluster-content.test.ts',
  'test/integration/shared-content.test.ts',
];

// Fixture builds run Astro in-process; separate processes (forks) keep their module state apart.
const common = { pool: 'forks', testTimeout: 120_000, hookTimeout: 240_000 } as const;

export default defineConfig({
  test: {
    // Builds the sites many suites serve, once for both groups (their `inject` reads it).
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        test: {
          ...common,
          name: 'together',
          include: ['test/**/*.test.ts'],
          exclude: ALONE,
          // Vitest's default is one worker fewer than the cores: one on a 2-core machine. Most suites
          // wait on servers, mail and browsers more than they compute, so two share two cores well.
          maxWorkers: Math.max(2, os.availableParallelism()),
          sequence: { sequencer: SlowFirst, groupOrder: 0 },
        },
      },
      { test: { ...common, name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
