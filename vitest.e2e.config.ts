import { defineConfig } from 'vitest/config';

/** Playwright (Debian's Chromium) against the headless dashboard served from out/renderer: `npm run test:e2e`. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/require-build.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // one browser at a time: the machine is shared, and screenshots are easier to read in order
    fileParallelism: false,
    maxWorkers: 1,
  },
});
