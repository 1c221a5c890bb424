import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Polls `check` every 50 ms until it gives a value, or fails after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** With SCREENSHOTS set (`npm run screenshots`), saves the settled page to docs/screenshots/<name>.png for the README. */
export async function screenshot(target: Page, name: string): Promise<void> {
  if (!process.env.SCREENSHOTS) return;
  await target.waitForLoadState('networkidle');
  await target.screenshot({ path: join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots', `${name}.png`), fullPage: true });
}
