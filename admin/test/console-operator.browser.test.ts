import sharp from 'sharp';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from './helpers/console-build.ts';
import { fetchJson, screenshot, screenshotFailures, signIn, until } from './helpers/browser.ts';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { DEMO_OPERATOR, DEMO_PASSWORD } from '../../db/src/seeds/demo-catalog.ts';
import { seedDemoOrders } from '../../db/src/seeds/demo-orders.ts';
import { seedDemo } from '../../db/src/seeds/demo.ts';

/**
 * The operator's console, the role change and the invitation page in Debian's Chromium against the real
 * API on a loopback port, seeded like `npm start` (demo merchants, staff, the operator and paid orders).
 * Setup as in console-finance.browser.test.ts.
 */
let testApp: TestApp;
let baseUrl: string;
let browser: Browser;
let page: Page;
/** The page a failure's screenshot shows: the one the running test is driving. */
let current: Page;

const OWNER = 'owner@demo.minishop.dev';
const CLERK = 'clerk@demo.minishop.dev';

async function newSignedInPage(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const target = await context.newPage();
  target.setDefaultTimeout(10_000);
  current = target;
  await signIn(target, baseUrl, email);
  return target;
}

const api = <T>(path: string, init?: RequestInit) => fetchJson<T>(`${baseUrl}${path}`, init);

async function bearer(email: string): Promise<Record<string, string>> {
  const session = await api<{ accessToken: string }>('/api/auth/login', { method: 'POST', body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
  return { authorization: `Bearer ${session.accessToken}` };
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  testApp = await buildTestApp();
  await seedDemo(testApp.database, testApp.config);
  await seedDemoOrders(testApp.database, testApp.app.services);
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  (testApp.config.realtime.allowedOrigins as string[]).push(new URL(baseUrl).origin);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await newSignedInPage(DEMO_OPERATOR.email);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  testApp?.app.server.closeAllConnections();
  await testApp?.close();
}, 120_000);

screenshotFailures('console-operator', () => current);

describe('the console: the operator, role changes and invitations', () => {
  beforeEach(() => {
    current = page;
  });

  it('shows the operator every merchant with its shops and balances', async () => {
    for (const name of ['Merchants', 'Fee rates', 'Chat hosts', 'Ledger accounts', 'Ledger transfers', 'Trial balance', 'Reconciliation', 'Queues']) {
      await page.getByRole('menuitem', { name }).waitFor();
    }
    await page.getByRole('menuitem', { name: 'Merchants' }).click();
    await page.getByRole('row', { name: /Neon Footwear LLC/ }).waitFor();
    await page.getByRole('row', { name: /Lotus Trading Co\./ }).click();
    await page.getByRole('cell', { name: 'lotus-dumplings' }).waitFor();
    await page.getByRole('cell', { name: 'lotus-tea-house' }).waitFor();
    // The merchant's own ledger accounts, as the ledger has them.
    await page.getByRole('cell', { name: 'merchant_available' }).first().waitFor();
    await screenshot(page, 'operator-merchant');
  });

  it('shows the trial balance with debits equal to credits, as the server computes it', async () => {
    await page.getByRole('menuitem', { name: 'Trial balance' }).click();
    await page.getByText('Balanced: debits equal credits in every currency.').waitFor();
    const total = page.getByTestId('trial-balance-total-EUR');
    const debits = Number(await total.locator('[data-column="debitsPosted"]').getAttribute('data-minor'));
    const credits = Number(await total.locator('[data-column="creditsPosted"]').getAttribute('data-minor'));
    expect(debits).toBeGreaterThan(0);
    expect(debits).toBe(credits);
    const server = await api<{ currencies: { currency: string; debitsPosted: number }[] }>('/api/admin/operator/finance/trial-balance', { headers: await bearer(DEMO_OPERATOR.email) });
    expect(server.currencies.find((currency) => currency.currency === 'EUR')?.debitsPosted).toBe(debits);
    await screenshot(page, 'operator-trial-balance');
  });

  it('sets a merchant fee rate and registers a chat host whose secret is shown once', async () => {
    await page.getByRole('menuitem', { name: 'Fee rates' }).click();
    await page.getByRole('row', { name: /Neon Footwear LLC/ }).click();
    const rate = page.getByLabel('Rate (basis points)');
    await rate.fill('325');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Neon Footwear LLC.*325.*325/ }).waitFor();

    await page.getByRole('menuitem', { name: 'Chat hosts' }).click();
    await page.getByRole('link', { name: 'Create' }).click();
    await page.getByLabel('Name').fill('Operator test chat');
    await page.getByRole('button', { name: 'Save' }).click();
    const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret.length).toBeGreaterThan(20);
  });

  it('hides the operator menus from a merchant owner, and their pages', async () => {
    const owner = await newSignedInPage(OWNER);
    await owner.getByRole('menuitem', { name: 'Orders' }).waitFor();
    for (const name of ['Merchants', 'Fee rates', 'Chat hosts', 'Ledger accounts', 'Trial balance', 'Reconciliation', 'Queues']) {
      await expect(owner.getByRole('menuitem', { name }).count()).resolves.toBe(0);
    }
    await owner.goto(`${baseUrl}/admin/#/trial-balance`);
    await owner.getByText(/not have the right permissions|access denied/i).first().waitFor();
    await owner.context().close();
  });

  it("changes a staff member's role and the new role takes effect at their next sign-in", async () => {
    const owner = await newSignedInPage(OWNER);
    await owner.getByRole('menuitem', { name: 'Staff' }).click();
    await owner.getByRole('row', { name: new RegExp(CLERK) }).click();
    await owner.getByRole('combobox', { name: /role/i }).click();
    await owner.getByRole('option', { name: 'Finance' }).click();
    await owner.getByRole('button', { name: 'Save' }).click();
    await owner.getByRole('row', { name: new RegExp(`${CLERK}.*Finance`) }).waitFor();
    await owner.context().close();

    const changed = await newSignedInPage(CLERK);
    await changed.getByRole('menuitem', { name: 'Finance' }).waitFor();
    await changed.getByRole('menuitem', { name: 'Journal' }).waitFor();
    await changed.context().close();
  });

  it('lets an invited person set a password on the invitation page and lands them signed in', async () => {
    const invitation = await api<{ token: string; acceptUrl: string }>('/api/admin/invitations', {
      method: 'POST',
      headers: await bearer(OWNER),
      body: JSON.stringify({ email: 'new.clerk@demo.minishop.dev', role: 'clerk' }),
    });
    expect(invitation.acceptUrl).toContain('/admin/#/accept-invitation?token=');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const invited = await context.newPage();
    invited.setDefaultTimeout(10_000);
    current = invited;
    await invited.goto(`${baseUrl}/admin/#/accept-invitation?token=${encodeURIComponent(invitation.token)}`);
    await invited.getByRole('heading', { name: 'Join the team' }).waitFor();
    await screenshot(invited, 'accept-invitation');
    await invited.getByLabel('Your name').fill('Nora Newcomer');
    await invited.getByLabel(/^Password/).fill('a new password 42');
    await invited.getByRole('button', { name: 'Join and sign in' }).click();
    await invited.getByRole('heading', { name: /welcome, Nora Newcomer/i }).waitFor();
    await invited.getByRole('menuitem', { name: 'Orders' }).waitFor();
    await expect(invited.getByRole('menuitem', { name: 'Finance' }).count()).resolves.toBe(0);
    // The password set on the page is the account's.
    await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ email: 'new.clerk@demo.minishop.dev', password: 'a new password 42' }) });
    await context.close();
  });
  it('reorders a product\'s photos and gives one a description, as the API then lists them', async () => {
    const owner = await newSignedInPage(OWNER);
    await owner.goto(`${baseUrl}/admin/#/products`);
    await owner.getByLabel('Search', { exact: true }).fill('Shrimp Har Gow');
    await owner.waitForURL(/filter=.*Shrimp/);
    await owner.getByRole('row', { name: /Shrimp Har Gow/ }).click();
    await owner.getByRole('heading', { name: 'Photos' }).waitFor();
    const productId = /#\/products\/([^/?]+)/.exec(owner.url())?.[1];
    const red = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer();
    const blue = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 40, g: 40, b: 200 } } }).png().toBuffer();
    await owner.locator('input[type="file"][multiple]').setInputFiles([
      { name: 'red.png', mimeType: 'image/png', buffer: red },
      { name: 'blue.png', mimeType: 'image/png', buffer: blue },
    ]);
    const photos = owner.getByRole('list', { name: 'Photos' });
    await photos.getByRole('img', { name: 'Photo 2' }).waitFor();
    const before = await api<{ id: string; widths: Record<string, { jpeg: string }> }[]>(`/api/admin/products/${productId}/photos`, { headers: await bearer(OWNER) });
    expect(before).toHaveLength(2);
    const smallestThumbnail = (photo: (typeof before)[number]) => photo.widths[Object.keys(photo.widths).sort((left, right) => Number(left) - Number(right))[0]!]!.jpeg;

    await owner.getByRole('button', { name: 'Move photo 2 earlier' }).click();
    // The page reloads the photos after the server's answer; the second one is first from then on. Only
    // once the page shows it first may the test type: an input filled before the re-render moves with its
    // photo to the second place, and the description would land on the other photo.
    await until(async () => (await api<{ id: string }[]>(`/api/admin/products/${productId}/photos`, { headers: await bearer(OWNER) }))[0]?.id === before[1]!.id);
    await until(async () => (await photos.getByRole('img').first().getAttribute('src')) === smallestThumbnail(before[1]!));
    const description = owner.getByLabel('Description of photo 1');
    await description.fill('Steamed shrimp dumplings in a bamboo basket');
    await description.blur();
    await photos.getByRole('img', { name: 'Steamed shrimp dumplings in a bamboo basket' }).waitFor();
    const after = await api<{ id: string; alt: string }[]>(`/api/admin/products/${productId}/photos`, { headers: await bearer(OWNER) });
    expect(after.map((photo) => photo.id)).toEqual([before[1]!.id, before[0]!.id]);
    expect(after[0]!.alt).toBe('Steamed shrimp dumplings in a bamboo basket');
    await owner.context().close();
  });
});
