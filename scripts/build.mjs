// Compiles the TypeScript the production processes run (the API, the workers, `npm start`'s supervisor
// and the one-off commands) into plain JavaScript under dist/, once, with esbuild: the running processes
// then need no tsx loader (less memory, faster start). Plain JavaScript itself, so plain Node runs it.
//
//   node scripts/build.mjs          build if a source changed since the last build (what `npm start` does)
//   node scripts/build.mjs --force  build anyway
//
// Each build lands in a folder of its own (dist/build-<time>-<pid>/) and dist/current.json names the
// newest one, replaced atomically: two builds started at once (parallel test files running `npm run api`)
// never leave half-written files where a starting process reads them.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const rootFolder = fileURLToPath(new URL('..', import.meta.url));
export const distFolder = join(rootFolder, 'dist');
const currentFile = join(distFolder, 'current.json');

/** The programs the build makes: dist/<build>/<name>.js. `npm run <script>` starts them through scripts/compiled.mjs. */
export const ENTRY_POINTS = {
  start: 'scripts/start.ts',
  api: 'api/src/server.ts',
  workers: 'workers/src/main.ts',
  migrate: 'scripts/migrate.ts',
  seed: 'scripts/seed.ts',
  'ledger-verify': 'scripts/ledger-verify.ts',
};

/** Files outside the bundle's inputs whose change must rebuild it too. */
const BUILD_FILES = ['scripts/build.mjs', 'package-lock.json', 'tsconfig.json'];
/** Builds kept besides the newest: a process started from the previous one may still be running. */
const KEPT_OLD_BUILDS = 1;

/** The current build ({folder, builtAtMs, inputs}), or null when there is none. */
export function currentBuild() {
  try {
    const build = JSON.parse(readFileSync(currentFile, 'utf8'));
    return existsSync(join(distFolder, build.folder)) ? build : null;
  } catch {
    return null;
  }
}

/** Why the current build is stale (a file it was made from changed, or there is none), or null if it is fresh. */
export function staleReason(build = currentBuild()) {
  if (!build) return 'no build yet';
  for (const path of [...build.inputs, ...BUILD_FILES]) {
    const absolute = join(rootFolder, path);
    if (!existsSync(absolute)) return `${path} is gone`;
    if (statSync(absolute).mtimeMs > build.builtAtMs) return `${path} changed`;
  }
  return null;
}

/**
 * esbuild bundles many modules into one file, which would change what `import.meta.url` means in each
 * (files read beside a module, such as the courier page's HTML). Every source module keeps its own: the
 * plugin rewrites `import.meta.url` to the source file's URL, computed relative to the output file, so
 * the build works wherever the checkout lives (a container's /app included).
 */
function sourceLocationPlugin(outputFolder) {
  return {
    name: 'source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (arguments_) => {
        if (arguments_.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = readFileSync(arguments_.path, 'utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const fromOutput = relative(outputFolder, arguments_.path).split(sep).join('/');
        const replacement = `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', replacement), loader: 'ts' };
      });
    },
  };
}

/**
 * Compiles entry points ({name: source}) into outputFolder/<name>.js as the production build does: one
 * ESM bundle of our code per entry point, shared chunks beside them, dependencies left to node_modules.
 * The benchmarks compile their API and relay processes with it (bench/lib/bench-process.ts). Returns
 * esbuild's metafile.
 */
export async function bundle(entryPoints, outputFolder) {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(outputFolder, { recursive: true });
  const result = await esbuild({
    absWorkingDir: rootFolder,
    entryPoints,
    outdir: outputFolder,
    // Shared modules become chunks beside the entry points, in the same folder, so that every output file
    // is at the same depth (the plugin's relative paths rely on it).
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    // Dependencies stay in node_modules, loaded by Node as usual: the build is our code only.
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // MikroORM and our own error classes are read by their names.
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    define: { MINISHOP_COMPILED: 'true' },
    logLevel: 'warning',
    plugins: [sourceLocationPlugin(outputFolder)],
  });
  return result.metafile;
}

/** Builds into a fresh folder, then points dist/current.json at it. Returns the build. */
export async function build() {
  const startedAtMs = Date.now();
  const folder = `build-${startedAtMs}-${process.pid}`;
  const metafile = await bundle(ENTRY_POINTS, join(distFolder, folder));
  const inputs = Object.keys(metafile.inputs).filter((path) => !path.startsWith('node_modules/'));
  const current = { folder, builtAtMs: startedAtMs, inputs };
  const temporary = `${currentFile}.${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(current)}\n`);
  renameSync(temporary, currentFile);
  removeOldBuilds(folder);
  return current;
}

function removeOldBuilds(keep) {
  const builds = readdirSync(distFolder)
    .filter((name) => name.startsWith('build-') && name !== keep)
    .sort((left, right) => Number(right.split('-')[1]) - Number(left.split('-')[1]));
  for (const name of builds.slice(KEPT_OLD_BUILDS)) rmSync(join(distFolder, name), { recursive: true, force: true });
}

/** The file of one entry point in the current build. */
export function entryFile(build, name) {
  return join(distFolder, build.folder, `${name}.js`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const force = process.argv.includes('--force');
  const reason = force ? 'asked to' : staleReason();
  if (reason) {
    const startedAtMs = Date.now();
    const made = await build();
    console.log(`Built dist/${made.folder} (${reason}) in ${Date.now() - startedAtMs} ms.`);
  } else {
    console.log(`dist/${currentBuild().folder} is up to date.`);
  }
}
