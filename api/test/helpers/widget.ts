import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildFrontends } from '../../../scripts/frontends.ts';

const rootFolder = fileURLToPath(new URL('../../../', import.meta.url));
const lockFolder = `${rootFolder}storefront-widget/.build-lock`;

/**
 * Builds storefront-widget/ once per test run (CI starts from a clean clone): the same up-to-date check
 * as `npm start`, under a lock folder, so test files running in parallel build it once and never serve a
 * half-written dist. Call it before buildTestApp: the API registers the widget's files at boot.
 */
export async function ensureWidgetBuilt(): Promise<void> {
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
      if (Date.now() > deadline) throw new Error('waited two minutes for another test file to build the widget');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const widget = buildFrontends(rootFolder, ['storefront-widget']);
    if (widget[0]?.outcome.startsWith('skipped')) throw new Error('storefront-widget/ has nothing to build');
  } finally {
    rmSync(lockFolder, { recursive: true, force: true });
  }
}
