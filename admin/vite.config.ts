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
    rollupOptions: {
      output: {
        // react-admin and MUI change less often than our screens: their own long-cached chunk.
        manualChunks(id) {
          if (/node_modules\/(react|react-dom|scheduler|react-router|react-router-dom)\//.test(id)) return 'react';
          if (/node_modules\/(@mui|@emotion)\//.test(id)) return 'mui';
          if (/node_modules\/(ra-|react-admin|@tanstack|react-hook-form|lodash)/.test(id)) return 'react-admin';
          return undefined;
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/ws': { target: 'ws://127.0.0.1:3000', ws: true } } },
});
