import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildFrontends, type FRONTEND_FOLDERS } from '../../../scripts/frontends.ts';

const rootFolder = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Builds a front-end (admin/ or storefront-widget/) once per test run (CI starts from a clean clone):
 * the same up-to-date check as `npm start` (dist/ newer than the sources), under a lock folder, so test
 * files running in parallel build it once and never serve a half-written dist. Call it before
 * buildTestApp: the API registers the front-end's files at boot.
 */
export async function ensureFrontendBuilt(folder: (typeof FRONTEND_FOLDERS)[number]): Promise<void> {
  const lockFolder = `${rootFolder}${folder}/.build-lock`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lockFolder);
      break;
    } catch {
      // A lock older than two minutes belongs to a run that died.
      try {
        if (Date.now() - statSync(lockFolder).mtimeMs > 120_000) rmSync(lockFolder, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`waited two minutes for another test file to build ${folder}/`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const built = buildFrontends(rootFolder, [folder]);
    if (built[0]?.outcome.startsWith('skipped')) throw new Error(`${folder}/ has nothing to build`);
  } finally {
    rmSync(lockFolder, { recursive: true, force: true });
  }
}
