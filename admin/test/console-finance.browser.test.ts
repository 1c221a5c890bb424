import { parse } from 'csv-parse/sync';
import { pino } from 'pino';
import sharp from 'sharp';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from './helpers/console-build.ts';
import { fetchJson, screenshot, screenshotFailures, signIn, until } from './helpers/browser.ts';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { DEMO_SHOPPER_DEVICE_ID, seedDemoOrders } from '../../db/src/seeds/demo-orders.ts';
import { seedDemo } from '../../db/src/seeds/demo.ts';
import { WebhookReceiver } from '../../db/src/testing/webhook-receiver.ts';
import { startJobWorkers, type JobWorkers } from '../../workers/src/job-workers.ts';
import { processors } from '../../workers/src/processors/index.ts';

/**
 * The console's money, catalog-detail and integration screens in Debian's Chromium against the real
 * API on a loopback port, seeded like `npm start`, with the outbox relay and the job workers running
 * (webhooks are delivered by them to a receiver on loopback). Setup as in console.browser.test.ts.
 */
let testApp: TestApp;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let relay: OutboxRelay;
let workers: JobWorkers;
let receiver: WebhookReceiver;
let shopperHeaders: Record<string, string>;

const OWNER = 'owner@demo.minishop.dev';
const CLERK = 'clerk@demo.minishop.dev';
const FINANCE = 'finance@demo.minishop.dev';

const api = <T>(path: string, init?: RequestInit) => fetchJson<T>(`${baseUrl}${path}`, init);

/** Searches the product list and opens the product; waits for the debounced filter first, or it navigates back. */
async function openProduct(target: Page, title: string): Promise<void> {
  await target.goto(`${baseUrl}/admin/#/products`);
  await target.getByLabel('Search', { exact: true }).fill(title);
  await target.waitForURL(new RegExp(`filter=.*${encodeURIComponent(title.split(' ')[0]!)}`));
  await target.getByRole('row', { name: new RegExp(title) }).click();
  await target.getByRole('heading', { name: 'Variants' }).waitFor();
}

async function downloadText(target: Page, click: () => Promise<void>): Promise<string> {
  const downloaded = target.waitForEvent('download');
  await click();
  const download = await downloaded;
  return (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
}

type JournalLine = { transfer_id: string; account_id: string; debit_minor: string; credit_minor: string };
const sum = (lines: JournalLine[], column: 'debit_minor' | 'credit_minor') => lines.reduce((total, line) => total + Number(line[column] || 0), 0);

/** A paid order placed by the demo shopper through the store API, as the widget does. */
async function placePaidOrder(): Promise<{ id: string }> {
  const { rows } = await testApp.database.pool.query<{ id: string }>(
    `select variant.id from variant join product on product.id = variant.product_id join shop on shop.id = product.shop_id
      where shop.slug = 'lotus-dumplings' and variant.stock_on_hand > 5 order by variant.sku limit 1`,
  );
  const order = await api<{ id: string }>('/api/store/shops/lotus-dumplings/orders', {
    method: 'POST',
    headers: { ...shopperHeaders, 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ source: 'buy_now', variantId: rows[0]?.id, quantity: 1, fulfilmentMethod: 'pickup' }),
  });
  await api(`/api/store/orders/${order.id}/pay`, { method: 'POST', headers: shopperHeaders, body: JSON.stringify({ method: 'wallet' }) });
  return order;
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  testApp = await buildTestApp({ WEBHOOK_TIMEOUT_MS: '2000' });
  await seedDemo(testApp.database, testApp.config);
  await seedDemoOrders(testApp.database, testApp.app.services);
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  (testApp.config.realtime.allowedOrigins as string[]).push(new URL(baseUrl).origin);
  receiver = await new WebhookReceiver().start();
  workers = await startJobWorkers({ config: testApp.config, services: testApp.app.services, processors, logger: pino({ level: 'silent' }), scheduleRepeatableJobs: false });
  relay = new OutboxRelay({ config: testApp.config, pool: testApp.database.pool, queues: workers.queues, publisher: testApp.app.redis, pollIntervalMs: 50 });
  relay.start();
  const session = await api<{ accessToken: string }>('/api/store/sessions', { method: 'POST', body: JSON.stringify({ provider: 'guest', deviceId: DEMO_SHOPPER_DEVICE_ID }) });
  shopperHeaders = { authorization: `Bearer ${session.accessToken}` };
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await signIn(page, baseUrl, OWNER);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await workers?.close();
  await receiver?.close();
  testApp?.app.server.closeAllConnections();
  await testApp?.close();
}, 120_000);

screenshotFailures('console-finance', () => page);

describe('the console: money, catalog detail, integrations and roles', () => {
  it("shows an account's statement for a period and downloads that account's journal CSV", async () => {
    await page.goto(`${baseUrl}/admin/#/finance-accounts`);
    await page.getByRole('row', { name: /merchant_available.*EUR/ }).first().click();
    await page.getByRole('heading', { level: 1, name: /Statement: merchant_available \(EUR\)/ }).waitFor();
    await page.getByText('Opening balance').waitFor();
    const accountId = /finance-accounts\/([^/]+)\/show/.exec(page.url())?.[1];
    expect(accountId).toBeDefined();
    const movementRows = page.getByRole('table', { name: 'Movements' }).getByRole('row');
    await until(async () => (await movementRows.count()) > 1);
    await screenshot(page, 'finance-statement');
    const text = await downloadText(page, () => page.getByRole('button', { name: 'Download journal CSV' }).click());
    const lines = parse(text, { columns: true }) as JournalLine[];
    expect(lines.length).toBeGreaterThan(0);
    // Both legs of each transfer that touched this account, and nothing else: every transfer names it.
    const transfers = new Set(lines.map((line) => line.transfer_id));
    for (const transfer of transfers) expect(lines.some((line) => line.transfer_id === transfer && line.account_id === accountId)).toBe(true);
    expect(sum(lines, 'debit_minor')).toBe(sum(lines, 'credit_minor'));
  });

  it('lists the journal with filters and exports the filtered period as the server streams it', async () => {
    await page.goto(`${baseUrl}/admin/#/journal`);
    await page.getByRole('columnheader', { name: 'Reason' }).waitFor();
    const rows = page.getByRole('row');
    // The header row and at least one transfer (the demo's settlement).
    await until(async () => (await rows.count()) > 1);
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('From').fill(today);
    await page.waitForURL(/filter=.*from/);
    const text = await downloadText(page, () => page.getByRole('button', { name: 'Download journal CSV' }).click());
    const lines = parse(text, { columns: true }) as JournalLine[];
    expect(lines.length).toBeGreaterThan(0);
    expect(sum(lines, 'debit_minor')).toBeGreaterThan(0);
    expect(sum(lines, 'debit_minor')).toBe(sum(lines, 'credit_minor'));
  });

  it('refuses a payout above the available balance with the message beside the amount, and lists one within it', async () => {
    await page.goto(`${baseUrl}/admin/#/payouts/create`);
    await page.getByLabel('Amount').fill('999999');
    await page.getByRole('button', { name: 'Request a payout' }).click();
    const amount = page.getByLabel('Amount');
    await page.getByText(/insufficient|not enough|available/i).first().waitFor();
    const describedBy = await amount.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/insufficient|not enough|available/i);

    await page.getByLabel('Amount').fill('1.00');
    await page.getByRole('button', { name: 'Request a payout' }).click();
    await page.waitForURL(/#\/payouts(\?|$)/);
    await page.getByRole('row', { name: /€1\.00.*(Pending|Paid out)/ }).waitFor();
    const payouts = await api<{ amountMinor: number; currency: string }[]>('/api/admin/finance/payouts', { headers: await ownerHeaders() });
    expect(payouts.map((payout) => [payout.amountMinor, payout.currency])).toEqual([[100, 'EUR']]);
  });

  it('adjusts a variant’s stock with a reason and shows it in the movement history; a refusal shows under the quantity', async () => {
    await openProduct(page, 'Shrimp Har Gow');
    await page.getByRole('link', { name: 'DUM-HGW-4' }).click();
    await page.getByRole('heading', { name: 'Stock' }).waitFor();
    const before = await api<{ stockOnHand: number }[]>(`/api/admin/variants?filter=${encodeURIComponent(JSON.stringify({ sku: 'DUM-HGW-4' }))}`, { headers: await ownerHeaders() });
    await page.getByLabel('Change').fill('7');
    await page.getByLabel('Reason').click();
    await page.getByRole('option', { name: 'Goods received' }).click();
    await page.getByLabel('Note').fill('Delivery from the supplier');
    await page.getByRole('button', { name: 'Adjust stock' }).click();
    const history = page.getByRole('table', { name: 'Stock movements' });
    await history.getByRole('row', { name: /Goods received.*\+7.*Delivery from the supplier/ }).waitFor();
    await expect(history.getByRole('row', { name: new RegExp(`\\+7\\s*${before[0]!.stockOnHand + 7}`) }).count()).resolves.toBe(1);
    await page.getByText(`On hand ${before[0]!.stockOnHand + 7}`).waitFor();
    await screenshot(page, 'variant-stock');

    // Taking units away is not a receipt: the server's message shows under the quantity.
    await page.getByLabel('Change').fill('-3');
    await page.getByRole('button', { name: 'Adjust stock' }).click();
    const change = page.getByLabel('Change');
    await until(async () => (await change.getAttribute('aria-invalid')) === 'true');
    const describedBy = await change.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/positive/i);
  });

  it('uploads a photo to a product, shows it, and the store API serves it; a text file is refused beside the drop zone', async () => {
    await openProduct(page, 'Chili Oil Wontons');
    await page.getByRole('heading', { name: 'Photos' }).waitFor();
    const productId = /#\/products\/([^/?]+)/.exec(page.url())?.[1];
    const picture = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer();
    await page.locator('input[type="file"][multiple]').setInputFiles({ name: 'wontons.png', mimeType: 'image/png', buffer: picture });
    const photos = page.getByRole('list', { name: 'Photos' });
    await photos.getByRole('img', { name: 'Photo 1' }).waitFor();
    const catalog = await api<{ photos: { widths: Record<string, unknown> }[] }>(`/api/store/shops/lotus-dumplings/products/${productId}`);
    expect(catalog.photos).toHaveLength(1);
    expect(Object.keys(catalog.photos[0]!.widths)).toEqual(expect.arrayContaining(['320', '640']));

    await page.locator('input[type="file"][multiple]').setInputFiles({ name: 'not-a-picture.png', mimeType: 'image/png', buffer: Buffer.from('hello, I am text') });
    await page.getByRole('alert').filter({ hasText: /picture|image/i }).waitFor();
    expect((await api<{ photos: unknown[] }>(`/api/store/shops/lotus-dumplings/products/${productId}`)).photos).toHaveLength(1);
  });

  it('registers a webhook endpoint (secret shown once), lists its delivery and replays it', async () => {
    await page.goto(`${baseUrl}/admin/#/webhook-endpoints/create`);
    await page.getByLabel('URL').fill(receiver.url('/console'));
    await page.getByLabel('Events').click();
    await page.getByRole('option', { name: 'order.paid' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save' }).click();
    const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret.length).toBeGreaterThan(16);

    await placePaidOrder();
    await until(async () => receiver.requestsTo('/console').length === 1);
    await page.goto(`${baseUrl}/admin/#/webhook-endpoints`);
    await page.getByRole('row', { name: /\/console/ }).getByRole('link', { name: 'Deliveries' }).click();
    const row = page.getByRole('row', { name: /order\.paid/ });
    await row.waitFor();
    await page.getByRole('button', { name: 'Replay order.paid' }).click();
    await until(async () => receiver.requestsTo('/console').length === 2);
    await page.getByText('Sent again').waitFor();
    // The replay is sent by a worker after the 202: the list shows it delivered once refreshed.
    await until(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return /order\.paid\s*Delivered\s*\d+\s*1\s*200/.test((await row.textContent()) ?? '');
    });
  });

  it('creates an API key that works, shows its secret once, and revokes it', async () => {
    await page.goto(`${baseUrl}/admin/#/api-keys/create`);
    await page.getByLabel('Name').fill('Till integration');
    await page.getByRole('button', { name: 'Save' }).click();
    const secret = await page.getByRole('textbox', { name: 'API key' }).inputValue();
    expect(secret).toMatch(/^msk_/);
    const withKey = () => fetch(`${baseUrl}/api/admin/orders?range=[0,0]`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await withKey()).status).toBe(200);

    await page.goto(`${baseUrl}/admin/#/api-keys`);
    await page.getByRole('row', { name: /Till integration/ }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Key revoked').waitFor();
    await expect(page.getByRole('row', { name: /Till integration/ }).getByRole('button', { name: 'Revoke' }).count()).resolves.toBe(0);
    expect((await withKey()).status).toBe(401);
  });

  it('shows a clerk no money pages, keys or webhooks but the stock movements; finance reads a product without saving it', async () => {
    const clerkContext = await browser.newContext();
    const clerk = await clerkContext.newPage();
    await signIn(clerk, baseUrl, CLERK);
    await clerk.getByRole('menuitem', { name: 'Orders' }).waitFor();
    for (const name of ['Finance', 'Accounts', 'Journal', 'Payouts', 'API keys', 'Webhook endpoints']) await expect(clerk.getByRole('menuitem', { name }).count()).resolves.toBe(0);
    await expect(clerk.getByRole('menuitem', { name: 'Stock movements' }).isVisible()).resolves.toBe(true);
    await clerk.goto(`${baseUrl}/admin/#/journal`);
    await clerk.getByText(/not have the right permissions|access denied/i).first().waitFor();
    await clerkContext.close();

    const financeContext = await browser.newContext();
    const finance = await financeContext.newPage();
    await signIn(finance, baseUrl, FINANCE);
    for (const name of ['Accounts', 'Journal', 'Payouts']) await finance.getByRole('menuitem', { name }).waitFor();
    await openProduct(finance, 'Shrimp Har Gow');
    await expect(finance.getByRole('button', { name: 'Save' }).count()).resolves.toBe(0);
    await expect(finance.getByRole('button', { name: 'Choose photos' }).count()).resolves.toBe(0);
    await financeContext.close();
  }, 60_000);
});

async function ownerHeaders(): Promise<Record<string, string>> {
  const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('minishop.session'))) as string) as { accessToken: string };
  return { authorization: `Bearer ${stored.accessToken}` };
}
