import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Fixture builds run Astro in-process; separate processes keep their module state apart.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
