import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: [
      'electron/**/*.test.ts',
      'shared/**/*.test.ts',
      'renderer/src/**/*.test.{ts,tsx}',
      'test/**/*.test.ts',
    ],
    exclude: ['test/e2e/**', '**/node_modules/**', 'out/**'],
    testTimeout: 20_000,
    // forks, not threads: the gateway loads better-sqlite3's native addon, which is happiest per process
    pool: 'forks',
    fileParallelism: true,
    // integration tests each start a gateway and a mock upstream; more at once only adds contention
    maxWorkers: 2,
  },
});
