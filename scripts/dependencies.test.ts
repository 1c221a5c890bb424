import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const dependencies = Object.keys(manifest.dependencies);
const devDependencies = Object.keys(manifest.devDependencies);

/** Dependencies that no code imports, each with the reason it stays. */
const NOT_IMPORTED_DEPENDENCIES: Record<string, string> = {
  tsx: 'runs the TypeScript in production: node --import tsx (Dockerfile, docker-compose.yml)',
  '@bull-board/api': 'bull-board at /admin/queues for the operator (issue 8)',
  '@bull-board/fastify': 'bull-board at /admin/queues for the operator (issue 8)',
  '@fastify/websocket': 'GET /ws, order updates over WebSocket (issue 8)',
  '@fastify/static': 'serves the console, the widget and the courier page (issue 8 and later)',
  'dinero.js': 'allocation of amounts in minor units (issue 7 item 10, the ledger)',
};

/** Development tools that are run rather than imported, or that another dev dependency needs. */
const NOT_IMPORTED_DEV_DEPENDENCIES: Record<string, string> = {
  typescript: 'tsc: npm run typecheck',
  'playwright-core': "browser tests driving Debian's Chromium (.ci/run)",
  react: 'peer dependency of ra-core (api/test/routes/admin/ra-data-simple-rest.test.ts)',
  'react-dom': 'peer dependency of ra-core (api/test/routes/admin/ra-data-simple-rest.test.ts)',
  'size-limit': "the widget's size budgets, run as a command (storefront-widget/test/size-budgets.test.ts)",
  '@size-limit/file': "size-limit's file plugin, read from storefront-widget/.size-limit.json",
  'axe-core': "loaded by file path into the widget's browser tests (api/test/widget/widget-browser.test.ts)",
};

// The console and the widget are built into static files (dev dependencies), never imported at run time.
const SOURCE_FOLDERS = ['api', 'db', 'workers', 'scripts', 'bench', 'test', 'admin', 'storefront-widget'];

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|tsx|js|mjs|jsx)$/.test(entry)) files.push(path);
  }
  return files;
}

/** What runs in production (the image is installed with --omit=dev); tests, test support and benchmarks do not. */
function isRuntimeFile(path: string): boolean {
  return (
    /^(api\/src|db\/src|workers\/src|scripts)\//.test(path) &&
    !/\.test\.ts$/.test(path) &&
    !/\.test-support\.ts$/.test(path) &&
    !path.startsWith('db/src/testing/')
  );
}

/** A bare package specifier (not relative, not an SQL string that happens to follow `from`). */
const PACKAGE_SPECIFIER = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*(\/[^\s]*)?$/;

/** The packages a file imports (static, dynamic or type-only), without subpaths; node: built-ins left out. */
function importedPackages(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => PACKAGE_SPECIFIER.test(specifier) && !specifier.startsWith('node:'))
    .map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
}

const importsByFile = new Map<string, string[]>();
for (const folder of SOURCE_FOLDERS) {
  for (const file of sourceFiles(join(root, folder))) importsByFile.set(relative(root, file), importedPackages(readFileSync(file, 'utf8')));
}
const runtimeImports = new Set([...importsByFile].filter(([file]) => isRuntimeFile(file)).flatMap(([, packages]) => packages));
const allImports = new Set([...importsByFile.values()].flat());

describe('package.json', () => {
  it('sees the code it checks', () => {
    expect(importsByFile.size).toBeGreaterThan(100);
    expect(runtimeImports).toContain('fastify');
    expect(runtimeImports).not.toContain('vitest');
  });

  it('lists every package the production code imports under dependencies, not devDependencies', () => {
    const misplaced = [...importsByFile]
      .filter(([file]) => isRuntimeFile(file))
      .flatMap(([file, packages]) => packages.filter((name) => !dependencies.includes(name)).map((name) => `${file} imports ${name}`));
    expect(misplaced).toEqual([]);
  });

  it('declares every package that tests and benchmarks import', () => {
    const undeclared = [...importsByFile].flatMap(([file, packages]) =>
      packages.filter((name) => !dependencies.includes(name) && !devDependencies.includes(name)).map((name) => `${file} imports ${name}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('has no dependency that production code does not use, except those listed with a reason', () => {
    const unused = dependencies.filter((name) => !runtimeImports.has(name) && !(name in NOT_IMPORTED_DEPENDENCIES));
    expect(unused, 'move test-only packages to devDependencies, remove unused ones').toEqual([]);
  });

  it('has no dev dependency that nothing uses, except those listed with a reason', () => {
    const unused = devDependencies.filter((name) => !allImports.has(name) && !name.startsWith('@types/') && !(name in NOT_IMPORTED_DEV_DEPENDENCIES));
    expect(unused).toEqual([]);
  });

  it('does not list a package twice', () => {
    expect(dependencies.filter((name) => devDependencies.includes(name))).toEqual([]);
  });
});
