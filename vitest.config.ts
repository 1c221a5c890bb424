import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{api,db,workers,admin,storefront-widget,scripts,bench}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file has its own database and Redis prefix, so files run in parallel safely.
    fileParallelism: true,
    // Vitest's default (one core fewer than the machine has) runs one file at a time on two cores, where most
    // files wait on PostgreSQL, a browser or a child process: two at a time took the suite from 992 s to
    // 577-639 s on a 2-core machine, every test passing.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
