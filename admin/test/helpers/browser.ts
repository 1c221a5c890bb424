import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { DEMO_PASSWORD } from '../../../db/src/seeds/demo-catalog.ts';

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

/** Signs a demo staff member in on the console's login page and waits for the dashboard. */
export async function signIn(target: Page, baseUrl: string, email: string): Promise<void> {
  await target.goto(`${baseUrl}/admin/#/login`);
  await target.getByLabel(/^username/i).fill(email);
  await target.getByRole('textbox', { name: /^password/i }).fill(DEMO_PASSWORD);
  await target.getByRole('button', { name: /sign in/i }).click();
  await target.getByRole('heading', { name: /welcome/i }).waitFor();
}

/** The API's JSON answer over real HTTP, as the console gets it; any other status fails with the answer's body. */
export async function fetchJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
  if (!response.ok) throw new Error(`${url.replace(/^https?:\/\/[^/]+/, '')} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** After each failed test, saves what `page()` shows to the temp folder as <prefix>-<test name>.png and says where. */
export function screenshotFailures(prefix: string, page: () => Page | undefined): void {
  afterEach(async (context) => {
    const target = page();
    if (context.task.result?.state !== 'fail' || !target) return;
    const path = join(tmpdir(), `${prefix}-${context.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await target.screenshot({ path }).then(() => console.info(`screenshot of the failure: ${path}`), () => undefined);
  });
}
