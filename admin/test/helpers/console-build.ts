import { ensureFrontendBuilt } from '../../../api/test/helpers/frontends.ts';

/**
 * The console built once per test run into admin/dist, where the API serves it, instead of a vite build
 * per test file: rebuilt only when admin/ has changed since, under a lock, so parallel test files share
 * one build (see ensureFrontendBuilt). Call it before buildTestApp.
 */
export function ensureConsoleBuilt(): Promise<void> {
  return ensureFrontendBuilt('admin');
}
