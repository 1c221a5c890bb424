import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { defineConfig, type Plugin } from 'vite';

/**
 * The loader is a classic script (`<script src=".../widget.js" async>`): it may use neither static imports
 * nor `import.meta.url`, which Vite's preload helper for `import()` needs. So esbuild bundles it on its
 * own, as one IIFE, once the panel's hashed file name is known, and it joins the bundle as `widget.js`.
 */
function loaderWithPanelFile(): Plugin {
  return {
    name: 'minishop-loader',
    async generateBundle(_options, bundle) {
      const panel = Object.values(bundle).find((output) => output.type === 'chunk' && output.isEntry && output.name === 'panel');
      if (!panel) throw new Error('the widget build lost its panel entry');
      const loader = await esbuild({
        entryPoints: [fileURLToPath(new URL('src/loader.ts', import.meta.url))],
        bundle: true,
        write: false,
        minify: true,
        format: 'iife',
        target: 'es2020',
        define: { __MINISHOP_PANEL_FILE__: JSON.stringify(panel.fileName) },
      });
      this.emitFile({ type: 'asset', fileName: 'widget.js', source: loader.outputFiles[0]!.text });
    },
  };
}

/**
 * No HTML: `widget.js` (the loader, short-cached, a stable name) and `assets/panel-<hash>.js` with
 * `assets/panel-shared-<hash>.js` (Preact and the shop, long-cached). Everything the panel loads later (the QR decoder) gets its own hashed
 * chunk under `assets/`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: false,
    sourcemap: false,
    rolldownOptions: {
      input: { panel: 'src/panel/index.tsx' },
      // allow-extension: modules the panel shares with its lazy chunks stay in the panel (one more export)
      // instead of a separate common chunk the first paint would also have to fetch.
      preserveEntrySignatures: 'allow-extension',
      output: {
        format: 'es',
        entryFileNames: 'assets/[name]-[hash].js',
        // A chunk loaded later (the QR decoder, Stripe, group buys) keeps its own name. What the panel
        // shares with those chunks (Preact, the API client) is split out by the bundler but loads on
        // first paint, so it is named panel-shared-*: the first panel's size budget counts it.
        chunkFileNames: (chunk) => (chunk.isDynamicEntry || chunk.name === 'preload-helper' ? 'assets/[name]-[hash].js' : 'assets/panel-shared-[hash].js'),
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  plugins: [loaderWithPanelFile()],
});
