import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The merchant console, served by the API at /admin (api/src/plugins/app/admin-console.ts). Hashed file
 * names under /admin/assets/ are cached for a year; index.html is never cached, so a deploy shows at once.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1_500,
    // No manual chunks: one vendor chunk would carry every MUI component any lazy screen uses into the
    // first load; split by import, the first load carries only what the shell and the login page use.
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/ws': { target: 'ws://127.0.0.1:3000', ws: true } } },
});
