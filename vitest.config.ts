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
    // A worker keeps the modules it loaded from one file to the next instead of importing the app's whole
    // graph again for each of the 162 files (import time 241 s -> 22 s, the suite 592 s -> 378 s, every test
    // passing). Safe here because no test mocks a module, stubs a global or changes process.env, and every
    // file's state lives in its own database and Redis prefix; module-level caches are keyed by ids.
    isolate: false,
  },
});
