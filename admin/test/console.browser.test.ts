import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { parse } from 'csv-parse/sync';
import type { Redis } from 'ioredis';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from './helpers/console-build.ts';
import { fetchJson, screenshot, screenshotFailures, signIn } from './helpers/browser.ts';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { StaffAccessTokens } from '../../db/src/modules/auth/access-tokens.ts';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { JobQueues } from '../../db/src/queues/job-queues.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import { DEMO_PASSWORD } from '../../db/src/seeds/demo-catalog.ts';
import { DEMO_SHOPPER_DEVICE_ID, seedDemoOrders, type DemoOrdersSummary } from '../../db/src/seeds/demo-orders.ts';
import { seedDemo } from '../../db/src/seeds/demo.ts';

/**
 * The console in Debian's Chromium against the real API on a loopback port, seeded like `npm start`
 * (the demo seed and its orders), with the outbox relay running as the workers run it so that live
 * updates reach the browser over GET /ws. One browser, one page per role; the steps share the data.
 */
let testApp: TestApp;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let relay: OutboxRelay;
let queues: JobQueues;
let publisher: Redis;
let wakeSubscriber: Redis;
let demoOrders: DemoOrdersSummary;
let shopperHeaders: Record<string, string>;

const OWNER = 'owner@demo.minishop.dev';
const CLERK = 'clerk@demo.minishop.dev';
const FINANCE = 'finance@demo.minishop.dev';

const api = <T>(path: string, init?: RequestInit) => fetchJson<T>(`${baseUrl}${path}`, init);

async function seriousAxeViolations(target: Page): Promise<string[]> {
  // Audit the settled page: react-admin's transient loading spinner (no accessible name) comes and goes with each fetch.
  await target.locator('[role="progressbar"]').first().waitFor({ state: 'detached' });
  const results = await new AxeBuilder({ page: target }).analyze();
  return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

/** A delivery order placed and paid by the demo shopper through the store API, as the widget does. */
async function placeDeliveryOrder(): Promise<{ id: string; number: number }> {
  const { rows } = await testApp.database.pool.query<{ id: string }>(
    `select variant.id from variant join product on product.id = variant.product_id join shop on shop.id = product.shop_id
      where shop.slug = 'lotus-dumplings' and variant.stock_on_hand > 5 order by variant.sku limit 1`,
  );
  const order = await api<{ id: string; number: number }>('/api/store/shops/lotus-dumplings/orders', {
    method: 'POST',
    headers: { ...shopperHeaders, 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({
      source: 'buy_now',
      variantId: rows[0]?.id,
      quantity: 2,
      fulfilmentMethod: 'delivery',
      address: { recipient: 'Ann Shopper', phone: '+49 30 1234567', line1: 'Rosenthaler Str. 1', city: 'Berlin', postalCode: '10119', country: 'DE', position: { latitude: 52.5286, longitude: 13.4019 } },
    }),
  });
  await api(`/api/store/orders/${order.id}/pay`, { method: 'POST', headers: shopperHeaders, body: JSON.stringify({ method: 'wallet' }) });
  return order;
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  testApp = await buildTestApp();
  await seedDemo(testApp.database, testApp.config);
  demoOrders = await seedDemoOrders(testApp.database, testApp.app.services);
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  // In a deployment the console is served from PUBLIC_URL, whose origin GET /ws allows; here the port is
  // only known now, so the listening origin joins the allowed list as PUBLIC_URL's would.
  (testApp.config.realtime.allowedOrigins as string[]).push(new URL(baseUrl).origin);
  queues = new JobQueues(testApp.config);
  publisher = await connectRedis(createRedis(testApp.config), testApp.config.redis.url);
  wakeSubscriber = await connectRedis(createRedis(testApp.config), testApp.config.redis.url);
  relay = new OutboxRelay({ config: testApp.config, pool: testApp.database.pool, queues, publisher, wakeSubscriber });
  relay.start();
  const session = await api<{ accessToken: string }>('/api/store/sessions', { method: 'POST', body: JSON.stringify({ provider: 'guest', deviceId: DEMO_SHOPPER_DEVICE_ID }) });
  shopperHeaders = { authorization: `Bearer ${session.accessToken}` };
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  if (process.env.DEBUG_LOG) {
    page.on('console', (message) => console.info(`browser: ${message.text()}`));
    page.on('websocket', (socket) => {
      socket.on('framesent', (frame) => console.info(`ws sent ${String(frame.payload).slice(0, 120)}`));
      socket.on('framereceived', (frame) => console.info(`ws received ${String(frame.payload).slice(0, 160)}`));
      socket.on('close', () => console.info('ws closed'));
    });
  }
}, 120_000);

afterAll(async () => {
  const step = async (name: string, work: () => Promise<unknown> | unknown) => {
    const started = Date.now();
    await work();
    if (process.env.DEBUG_LOG) console.info(`${name}: ${Date.now() - started} ms`);
  };
  await step('browser', () => browser?.close());
  await step('relay', () => relay?.stop());
  await step('queues', () => queues?.close());
  publisher?.disconnect();
  wakeSubscriber?.disconnect();
  // The browser's sockets are gone with it; drop any keep-alive connection left so close() does not wait on it.
  testApp?.app.server.closeAllConnections();
  await step('app', () => testApp?.close());
}, 120_000);

// A failed step leaves a screenshot of the page in the temporary folder, named after the step.
screenshotFailures('console', () => page);

describe('the console at /admin', () => {
  it('serves index.html uncached and hashed assets for a year, and the app on its own routes', async () => {
    const index = await fetch(`${baseUrl}/admin/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${baseUrl}/admin/some/client/route`)).headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${baseUrl}/admin/assets/missing-0000.js`)).status).toBe(404);
  });

  it('signs the owner in and shows the dashboard without a serious accessibility violation', async () => {
    const started = performance.now();
    await signIn(page, baseUrl, OWNER);
    console.info(`time to dashboard on loopback (sign-in included): ${Math.round(performance.now() - started)} ms`);
    await expect(page.getByText('Lin Owner').first().isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'dashboard');
  });

  it('refuses a wrong password with a message and no session', async () => {
    const otherContext = await browser.newContext();
    const other = await otherContext.newPage();
    await other.goto(`${baseUrl}/admin/#/login`);
    await other.getByLabel(/^username/i).fill(OWNER);
    await other.getByRole('textbox', { name: /^password/i }).fill('not-the-password');
    await other.getByRole('button', { name: /sign in/i }).click();
    await other.getByText(/authentication failed/i).waitFor();
    expect(await other.evaluate(() => localStorage.getItem('minishop.session'))).toBeNull();
    await otherContext.close();
  });

  it('creates a product with a variant and opening stock, and finds it in the list', async () => {
    await page.goto(`${baseUrl}/admin/#/products/create`);
    await page.getByLabel('Shop').click();
    await page.getByRole('option', { name: 'Lotus Dumplings' }).click();
    await page.getByLabel('Title').fill('Browser Test Buns');
    await page.getByLabel('SKU').fill('BTB-1');
    await page.getByLabel('Price').fill('4.50');
    await page.getByLabel('Opening stock').fill('12');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/#\/products$/);
    await page.getByLabel('Search', { exact: true }).fill('Browser Test Buns');
    const row = page.getByRole('row', { name: /Browser Test Buns/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/€4\.50.*12|12.*€4\.50/s);
  });

  it('shows a server validation error beside its input: a SKU already taken', async () => {
    await page.goto(`${baseUrl}/admin/#/products/create`);
    await page.getByLabel('Shop').click();
    await page.getByRole('option', { name: 'Lotus Dumplings' }).click();
    await page.getByLabel('Title').fill('Duplicate SKU Buns');
    await page.getByLabel('SKU').fill('BTB-1');
    await page.getByLabel('Price').fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('is already taken').waitFor();
    await expect(page.getByRole('textbox', { name: /^SKU/ }).getAttribute('aria-invalid')).resolves.toBe('true');
    // The product made before its variant was refused is taken back: nothing half-made stays.
    const { rows } = await testApp.database.pool.query(`select id from product where title = 'Duplicate SKU Buns'`);
    expect(rows).toEqual([]);
  });

  it('creates a category in a shop and renames it', async () => {
    await page.goto(`${baseUrl}/admin/#/categories/create`);
    await page.getByLabel('Shop').click();
    await page.getByRole('option', { name: 'Lotus Dumplings' }).click();
    await page.getByLabel('Name').fill('Browser Specials');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Browser Specials/ }).click();
    await page.getByLabel('Name').fill('Browser Specials (new)');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Browser Specials \(new\)/ }).waitFor();
    const { rows } = await testApp.database.pool.query(`select name from category where name like 'Browser Specials%'`);
    expect(rows).toEqual([{ name: 'Browser Specials (new)' }]);
  });

  it('invites a clerk and shows the link once, and the invitation in the list', async () => {
    await page.goto(`${baseUrl}/admin/#/invitations/create`);
    await page.getByLabel('Email').fill('new.clerk@example.test');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('textbox', { name: 'Invitation link' }).inputValue()).resolves.toMatch(/^http/);
    await page.goto(`${baseUrl}/admin/#/invitations`);
    await page.getByRole('row', { name: /new\.clerk@example\.test.*Clerk/ }).waitFor();
    await page.goto(`${baseUrl}/admin/#/staff`);
    await page.getByRole('row', { name: /clerk@demo\.minishop\.dev.*Clerk/ }).waitFor();
  });

  it('creates a courier and issues a sign-in token shown once, which the courier API accepts', async () => {
    await page.goto(`${baseUrl}/admin/#/couriers/create`);
    await page.getByLabel('Name').fill('Browser Courier');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Browser Courier/ }).getByRole('button', { name: 'Issue sign-in token' }).click();
    const token = await page.getByRole('dialog').getByRole('textbox', { name: 'Sign-in token' }).inputValue();
    expect(token).toMatch(/^mcr_/);
    const answer = await fetch(`${baseUrl}/api/courier/shipments`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  });

  it('creates a group buy for a variant and shows a team with the ledger hold behind it', async () => {
    await page.goto(`${baseUrl}/admin/#/group-buys/create`);
    await page.getByLabel('Variant').fill('BTB-1');
    await page.getByRole('option', { name: /BTB-1/ }).click();
    await page.getByLabel('Team price').fill('300');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('No team opened yet.').waitFor();
    const { rows } = await testApp.database.pool.query<{ id: string }>(`select id from group_buy where team_price_minor = 300`);
    expect(rows).toHaveLength(1);
    // A shopper opens a team (their wallet funded first); the console shows it with its hold.
    const { shopper } = await api<{ shopper: { id: string } }>('/api/store/sessions/current', { headers: shopperHeaders });
    const shopperId = shopper.id;
    await testApp.app.services.ledger.record(await testApp.app.services.ledger.recipes.topUp({ eventId: crypto.randomUUID(), shopperId, currency: 'EUR', amountMinor: 300, source: 'world' }));
    await api(`/api/store/group-buys/${rows[0]!.id}/teams`, { method: 'POST', body: '{}', headers: { ...shopperHeaders, 'idempotency-key': crypto.randomUUID() } });
    await page.reload();
    await page.getByText('1 of 2 members').waitFor();
    await page.getByRole('cell', { name: 'group_buy_hold' }).waitFor();
  });

  it("edits a shop's auto-confirm days, showing the server's refusal of 200 beside the input", async () => {
    await page.goto(`${baseUrl}/admin/#/shops`);
    await page.getByRole('row', { name: /Lotus Dumplings/ }).click();
    const days = page.getByRole('spinbutton', { name: 'Auto-confirm after (days)' });
    await days.fill('200');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => days.getAttribute('aria-invalid')).toBe('true');
    const described = await days.getAttribute('aria-describedby');
    await expect(page.locator(`[id="${described}"]`).textContent()).resolves.toMatch(/90/);
    await days.fill('5');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/#\/shops$/);
    const { rows } = await testApp.database.pool.query(`select auto_confirm_days as days from shop where slug = 'lotus-dumplings'`);
    expect(rows).toEqual([{ days: 5 }]);
  });

  it('shows a new order in the list without a reload, then ships it and refunds part of it live', async () => {
    await page.goto(`${baseUrl}/admin/#/orders`);
    await page.getByRole('row', { name: new RegExp(`#${demoOrders.orders[0]?.number}\\b`) }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    const order = await placeDeliveryOrder();
    // Placed (created), then paid (updated): the row shows up and then changes, with no reload.
    const row = page.getByRole('row', { name: new RegExp(`#${order.number}\\b.*Paid`) });
    await row.waitFor({ timeout: 10_000 });

    await row.click();
    await page.getByRole('heading', { name: `Order #${order.number}` }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Pack' }).click();
    await page.getByRole('button', { name: 'Ship' }).click();
    await page.getByLabel('Carrier').fill('DHL');
    await page.getByLabel('Tracking number').fill('JD0001');
    await page.getByRole('dialog').getByRole('button', { name: 'Ship' }).click();
    await page.getByRole('button', { name: 'Assign courier' }).waitFor();

    // Positions recorded elsewhere (here by hand through the API, as a courier's app would) move the route.
    const owner = await api<{ accessToken: string }>('/api/auth/login', { method: 'POST', body: JSON.stringify({ email: OWNER, password: DEMO_PASSWORD }) });
    const ownerHeaders = { authorization: `Bearer ${owner.accessToken}` };
    const [shipment] = await api<{ id: string }[]>(`/api/admin/shipments?filter=${encodeURIComponent(JSON.stringify({ orderId: order.id }))}`, { headers: ownerHeaders });
    await page.getByRole('combobox', { name: 'Courier' }).click();
    await page.getByRole('option', { name: 'Browser Courier' }).click();
    await page.getByRole('button', { name: 'Assign courier' }).click();
    await page.getByText('Courier assigned').waitFor();
    const assigned = await testApp.database.pool.query(`select courier.name from shipment join courier on courier.id = shipment.courier_id where shipment.id = $1`, [shipment?.id]);
    expect(assigned.rows).toEqual([{ name: 'Browser Courier' }]);
    const route = page.getByRole('img', { name: /The courier's route/ });
    for (const [index, position] of [{ latitude: 52.5246, longitude: 13.4027 }, { latitude: 52.5266, longitude: 13.4021 }, { latitude: 52.5286, longitude: 13.4019 }].entries()) {
      await api(`/api/admin/shipments/${shipment?.id}/events`, { method: 'POST', headers: ownerHeaders, body: JSON.stringify({ status: 'in_transit', position, message: `position ${index + 1}` }) });
      await page.locator(`svg[data-points="${index + 1}"]`).waitFor({ timeout: 10_000 });
    }
    await expect(route.getAttribute('aria-label')).resolves.toBe("The courier's route: 3 positions");
    await screenshot(page, 'tracking');

    // Another hand (the courier) delivers it: the shipment's delivered event moves the order, and the
    // open page follows by itself (an order tracked by shipments is not marked delivered by hand).
    await api(`/api/admin/shipments/${shipment?.id}/events`, { method: 'POST', headers: ownerHeaders, body: JSON.stringify({ status: 'delivered', message: 'handed to the shopper' }) });
    await page.getByRole('list', { name: 'Timeline' }).getByText(/Shipped → Delivered/).waitFor({ timeout: 10_000 });

    await page.getByRole('button', { name: 'Refund' }).click();
    await page.getByLabel(/Amount/).fill('1.25');
    await page.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    await page.getByText(/Refunded: €1\.25/).waitFor();
    await screenshot(page, 'order-timeline');
    const { rows } = await testApp.database.pool.query(`select amount_minor::int as "amountMinor", status from order_refund where order_id = $1`, [order.id]);
    expect(rows).toEqual([{ amountMinor: 125, status: 'succeeded' }]);
  });

  it('charges a payment code typed at the counter and shows it paid', async () => {
    const code = await api<{ token: string }>('/api/store/shops/lotus-tea-house/payment-codes', { method: 'POST', headers: shopperHeaders, body: '{}' });
    await page.goto(`${baseUrl}/admin/#/counter`);
    await page.getByRole('combobox', { name: 'Shop' }).click();
    await page.getByRole('option', { name: 'Lotus Tea House' }).click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel("Shopper's payment code").fill(code.token);
    await page.getByLabel(/Amount/).fill('3.20');
    await page.getByRole('button', { name: 'Charge' }).click();
    await page.getByRole('status').getByText('Paid: €3.20').waitFor();
    await screenshot(page, 'counter');
  });

  it('holds a charge above the threshold, says it waits for the shopper, and shows it paid once they confirm', async () => {
    const code = await api<{ token: string }>('/api/store/shops/lotus-tea-house/payment-codes', { method: 'POST', headers: shopperHeaders, body: '{}' });
    await page.getByLabel("Shopper's payment code").fill(code.token);
    await page.getByLabel(/Amount/).fill('60.00');
    await page.getByRole('button', { name: 'Charge' }).click();
    await page.getByRole('status').getByText('Waiting for the shopper to confirm…').waitFor();
    const [held] = await api<{ id: string }[]>('/api/store/payment-code-charges?status=awaiting_confirmation', { headers: shopperHeaders });
    await api(`/api/store/payment-code-charges/${held?.id}/confirm`, { method: 'POST', headers: { ...shopperHeaders, 'idempotency-key': crypto.randomUUID() }, body: '{}' });
    await page.getByRole('status').getByText('Paid: €60.00').waitFor();
  });

  it('prints an A4 sheet of the shop, product and table codes, each with the shop name and an instruction', async () => {
    await page.goto(`${baseUrl}/admin/#/qr-sheet`);
    await page.getByLabel(/Tables/).fill('T1, T2');
    const sheet = page.getByRole('region', { name: 'QR codes' });
    await sheet.getByRole('img', { name: /· T2$/ }).waitFor();
    await screenshot(page, 'qr-sheet');
    const figures = await sheet.locator('figure').count();
    expect(figures).toBeGreaterThanOrEqual(4);
    await expect(sheet.getByText('Scan to order to T1').isVisible()).resolves.toBe(true);
    await page.evaluate(() => Object.assign(window, { printed: 0, print: () => Object.assign(window, { printed: 1 }) }));
    await page.getByRole('button', { name: 'Print' }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
  });

  it("downloads the server's journal CSV, whose debits equal its credits", async () => {
    await page.goto(`${baseUrl}/admin/#/finance`);
    await page.getByRole('heading', { name: 'Balances' }).waitFor();
    await screenshot(page, 'finance');
    expect(await seriousAxeViolations(page)).toEqual([]);
    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download journal CSV' }).click();
    const download = await downloaded;
    const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
    const lines = parse(text, { columns: true }) as { debit_minor: string; credit_minor: string }[];
    expect(lines.length).toBeGreaterThan(0);
    const debits = lines.reduce((sum, line) => sum + Number(line.debit_minor || 0), 0);
    const credits = lines.reduce((sum, line) => sum + Number(line.credit_minor || 0), 0);
    expect(debits).toBeGreaterThan(0);
    expect(debits).toBe(credits);
  });

  it('refreshes an expired access token once for ten parallel calls, and the session survives', async () => {
    const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('minishop.session'))) as string);
    const anHourAgo = new StaffAccessTokens(testApp.config.auth.jwtSecret, 60, () => Date.now() - 3_600_000);
    const expired = await anHourAgo.issue({ sub: stored.user.id, isOperator: false, merchantId: stored.merchant.id, role: stored.role });
    // The console still believes the token good, so all ten leave with it and come back 401.
    await page.evaluate((session) => localStorage.setItem('minishop.session', JSON.stringify(session)), { ...stored, accessToken: expired, accessTokenExpiresAtMs: Date.now() + 600_000 });
    const refreshes: string[] = [];
    page.on('request', (request) => request.url().endsWith('/api/auth/refresh') && refreshes.push(request.url()));
    const statuses = await page.evaluate(async () => {
      const { authorizedFetch } = (window as unknown as { minishop: { authorizedFetch: (url: string) => Promise<Response> } }).minishop;
      const answers = await Promise.all(Array.from({ length: 10 }, () => authorizedFetch('/api/admin/orders?sort=["createdAt","DESC"]&range=[0,4]')));
      return answers.map((answer) => answer.status);
    });
    expect(statuses).toEqual(Array(10).fill(200));
    expect(refreshes).toHaveLength(1);
    await page.goto(`${baseUrl}/admin/#/orders`);
    await page.getByRole('row', { name: new RegExp(`#${demoOrders.orders[0]?.number}\\b`) }).waitFor();
    expect(refreshes).toHaveLength(1);
  });

  it('switches to Simplified Chinese and back', async () => {
    await page.goto(`${baseUrl}/admin/#/orders`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await page.getByRole('columnheader', { name: '订单号' }).waitFor();
    await page.getByRole('menuitem', { name: '财务' }).waitFor();
    await page.getByRole('button', { name: '简体中文' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('columnheader', { name: 'Number' }).waitFor();
  });

  it('shows finance the money pages and the catalog, but no way to create a product', async () => {
    const financeContext = await browser.newContext();
    const finance = await financeContext.newPage();
    await signIn(finance, baseUrl, FINANCE);
    await finance.getByRole('menuitem', { name: 'Finance' }).click();
    await finance.getByRole('button', { name: 'Download journal CSV' }).waitFor();
    await finance.getByRole('menuitem', { name: 'Products' }).click();
    await finance.getByRole('row', { name: /Browser Test Buns/ }).waitFor();
    await expect(finance.getByRole('link', { name: 'Create' }).count()).resolves.toBe(0);
    await expect(finance.getByRole('menuitem', { name: 'Counter' }).count()).resolves.toBe(0);
    await financeContext.close();
  });

  it('shows a clerk orders and the counter but refuses the finance page', async () => {
    const clerkContext = await browser.newContext();
    const clerk = await clerkContext.newPage();
    await signIn(clerk, baseUrl, CLERK);
    await clerk.getByRole('menuitem', { name: 'Orders' }).waitFor();
    await expect(clerk.getByRole('menuitem', { name: 'Counter' }).isVisible()).resolves.toBe(true);
    await expect(clerk.getByRole('menuitem', { name: 'Finance' }).count()).resolves.toBe(0);
    await expect(clerk.getByRole('menuitem', { name: 'Staff' }).count()).resolves.toBe(0);
    await clerk.goto(`${baseUrl}/admin/#/finance`);
    await clerk.getByText(/not have the right permissions|access denied/i).first().waitFor();
    await expect(clerk.getByRole('button', { name: 'Download journal CSV' }).count()).resolves.toBe(0);
    await clerkContext.close();
  });
});
