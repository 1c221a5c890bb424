import { ensureFrontendBuilt } from './frontends.ts';

/** The storefront widget built once per test run (see ensureFrontendBuilt); call it before buildTestApp. */
export function ensureWidgetBuilt(): Promise<void> {
  return ensureFrontendBuilt('storefront-widget');
}
