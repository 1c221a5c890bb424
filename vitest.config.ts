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
  },
});
