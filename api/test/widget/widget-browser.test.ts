import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import jsQR from 'jsqr';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { createCourier, createShipment, postPosition, postStatus } from '../helpers/delivery.ts';
import type { StaffSession } from '../helpers/staff.ts';
import { addProduct, createGuestShopper, createStoreFixture, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';
import { allowHostPage, startWidgetBrowser, waitOrExplain, watchRequests, type WidgetBrowser } from '../helpers/widget-browser.ts';

/**
 * The widget in Debian's Chromium (playwright-core) against the real API on a loopback port: in the demo
 * chat, on a host page of another origin (allowed and refused), from a printed code, by keyboard only,
 * in Arabic, and checked by axe.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let stand: WidgetBrowser;
let testApp: TestApp;
let browser: Browser;
let apiUrl: string;
let hostPort: number;
let merchantId: string;
let owner: StaffSession;
let shop: StoreFixture;

/** A host chat's page: hostile CSS on purpose, and the widget by its one script tag. */
function hostPage(query: URLSearchParams): string {
  if (query.get('frame')) return framingHostPage();
  const lang = query.get('lang');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host chat</title>
<style>body{font-family:Georgia,serif;color:rgb(200,0,0)} button{background:rgb(0,128,0);font-size:30px} h2{text-transform:uppercase}</style></head>
<body><main><h1>Host chat</h1><button type="button" id="host-button">Host button</button>
<script src="${apiUrl}/widget.js" data-shop="${shop.slug}"${lang ? ` data-lang="${lang}"` : ''} async></script></main></body></html>`;
}

const BOT_TOKEN = '123456789:AAH-test-bot-token-for-the-widget-tests';

/** initData exactly as Telegram builds it for a Mini App (HMAC-SHA256 with the key HMAC_SHA256("WebAppData", bot token)). */
function telegramInitData(user: Record<string, unknown>): string {
  const fields: Record<string, string> = { auth_date: String(Math.floor(Date.now() / 1000)), query_id: 'AAF-widget-test', user: JSON.stringify(user) };
  const secretKey = createHmac('sha256', 'WebAppData').update(BOT_TOKEN).digest();
  const dataCheckString = Object.keys(fields).sort().map((key) => `${key}=${fields[key]}`).join('\n');
  return new URLSearchParams({ ...fields, hash: createHmac('sha256', secretKey).update(dataCheckString).digest('hex') }).toString();
}

/** A host chat that frames the widget (/embed/<slug>) and speaks the bridge: theme and language in, shares out. */
function framingHostPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framing host</title></head><body>
<iframe title="Shop" src="${apiUrl}/embed/${shop.slug}" style="width:400px;height:700px"></iframe>
<script>
window.received = [];
window.addEventListener('message', function (event) {
  if (event.origin !== ${JSON.stringify(apiUrl)}) return;
  window.received.push(event.data);
  if (event.data && event.data.v === 1 && event.data.type === 'hello') {
    event.source.postMessage({ v: 1, type: 'init', id: 'init-1', theme: { accent: '#7a1fa2' }, lang: 'zh' }, event.origin);
  }
});
</script></body></html>`;
}

beforeAll(async () => {
  stand = await startWidgetBrowser({
    hostPage,
    stripe: true,
    relay: { pollIntervalMs: 1_000 },
    env: {
      // Counter charges above €10.00 wait for the shopper's consent.
      PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR: '1000',
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    },
  });
  ({ testApp, apiUrl, browser, hostPort } = stand);
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  merchantId = owner.merchantId;
  shop = await createStoreFixture(testApp.app, merchantId, { variants: [{ priceMinor: 1250, stockOnHand: 20, title: '100 g' }, { priceMinor: 2200, stockOnHand: 3, title: '250 g' }] });
  await addProduct(testApp.app, merchantId, shop.shopId, { title: 'Oolong', variants: [{ priceMinor: 900, stockOnHand: 5, title: 'Tin' }] });
  // Host pages are served as http://localhost:<port> (allowed) and http://127.0.0.1:<port> (not allowed).
  await allowHostPage(stand, owner.headers, shop.shopId);
}, 120_000);
afterAll(() => stand?.close());

async function newPage(locale = 'en-US'): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 420, height: 900 }, locale });
  const page = await context.newPage();
  // Well under the test's own timeout, so a missing element names itself; long enough for a step through
  // three servers (the API, the fake Stripe, Stripe.js's host) on a CI machine busy with other test files.
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  if (process.env.DEBUG_BROWSER) page.on('console', (message) => console.log(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  watchRequests(page);
  return { context, page, errors };
}

async function orderStatuses(): Promise<string[]> {
  const { rows } = await testApp.database.pool.query<{ status: string }>('select status from shop_order where shop_id = $1 order by created_at', [shop.shopId]);
  return rows.map((row) => row.status);
}

/** The focused element's accessible text, looking through open shadow roots. */
function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => {
    let element: Element | null = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return (element?.getAttribute('aria-label') ?? element?.textContent ?? '').trim();
  });
}

/** Presses Tab (at most 40 times) until the focused control's text starts with `text`. */
async function tabTo(page: Page, text: string): Promise<void> {
  for (let presses = 0; presses < 40; presses += 1) {
    if ((await focusedText(page)).startsWith(text)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached "${text}" (last: "${await focusedText(page)}")`);
}

describe('the storefront widget in a browser', () => {
  it('opens the shop from a card shared in the demo chat, adds to the cart, tops the wallet up by card, pays the order from it and follows the courier live', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`${apiUrl}/demo?shop=${shop.slug}`);
    await page.getByRole('button', { name: 'Open Oolong in the shop' }).click();
    await page.getByRole('heading', { name: 'Oolong' }).waitFor();
    await page.getByText('5 in stock').waitFor();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('status').filter({ hasText: 'Oolong Tin added. 1 items in the cart.' }).waitFor();
    await page.getByRole('button', { name: 'Cart (1)' }).click();
    await page.getByText('Total: €9.00').waitFor();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByText('Wallet balance: €0.00').waitFor();
    expect(await orderStatuses()).toEqual(['pending_payment']);

    // The wallet is empty: top it up by card, through Stripe.js (the stand-in) in the light DOM.
    await page.getByRole('button', { name: 'Top up my wallet' }).click();
    await page.getByRole('button', { name: 'Top up €10.00' }).click();
    const cardNumber = page.getByLabel('Card number');
    await cardNumber.waitFor();
    expect(await cardNumber.evaluate((input) => input.getRootNode() === document)).toBe(true);
    await cardNumber.fill('4000 0000 0000 0002');
    await page.getByRole('button', { name: 'Pay €10.00 by card' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your card was declined.' }).waitFor();
    // A declined card ends that top-up: the shopper starts a new one.
    await page.getByRole('button', { name: 'Top up €10.00' }).click();
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay €10.00 by card' }).click();
    await page.getByText('Wallet balance: €10.00').waitFor();
    const { rows: topUps } = await testApp.database.pool.query<{ status: string }>('select status from wallet_top_up order by created_at');
    expect(topUps.map((topUp) => topUp.status)).toEqual(['failed', 'succeeded']);

    await page.getByRole('button', { name: 'Pay €9.00 from my wallet' }).click();
    await page.getByText('Paid. Thank you!').waitFor();
    expect(await orderStatuses()).toEqual(['paid']);

    // The shop hands the order to a courier; the courier's updates arrive live in the open order view.
    const { rows } = await testApp.database.pool.query<{ id: string }>('select id from shop_order where shop_id = $1', [shop.shopId]);
    const orderId = rows[0]!.id;
    const courier = await createCourier(testApp.app, owner);
    const shipment = (await createShipment(testApp.app, owner, orderId, { courierId: courier.id, destination: { latitude: 48.8606, longitude: 2.3376 } })).json();
    expect((await postStatus(testApp.app, courier, shipment.id, { status: 'picked_up', recordedAt: new Date().toISOString(), message: 'On my way' })).statusCode).toBe(201);
    await page.getByText('Status: shipped').waitFor();
    await page.getByText('picked up · On my way').waitFor();
    expect((await postPosition(testApp.app, courier, shipment.id, { latitude: 48.853, longitude: 2.3499, recordedAt: new Date(Date.now() + 1_000).toISOString() })).statusCode).toBe(200);
    await page.getByRole('img', { name: 'Courier route' }).waitFor();
    await expect.poll(() => page.locator('minishop-store').locator('svg.route circle.courier').count()).toBe(1);

    await page.getByRole('button', { name: 'My orders' }).click();
    await page.getByText('Status: shipped').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works on a host page of an allowed origin without the host CSS leaking in or the widget CSS leaking out, with no serious axe violation', async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`http://localhost:${hostPort}/`);
    await page.getByRole('button', { name: /^Oolong/ }).waitFor();
    const widgetHeading = page.locator('minishop-store').getByRole('heading', { level: 2 });
    const productButton = page.getByRole('button', { name: /^Oolong/ });
    expect(await widgetHeading.evaluate((element) => getComputedStyle(element).fontFamily)).not.toContain('Georgia');
    expect(await widgetHeading.evaluate((element) => getComputedStyle(element).textTransform)).toBe('none');
    expect(await productButton.evaluate((element) => getComputedStyle(element).backgroundColor)).not.toBe('rgb(0, 128, 0)');
    expect(await productButton.evaluate((element) => getComputedStyle(element).color)).not.toBe('rgb(200, 0, 0)');
    const hostButton = page.locator('#host-button');
    expect(await hostButton.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(0, 128, 0)');
    expect(await hostButton.evaluate((element) => getComputedStyle(element).fontSize)).toBe('30px');
    expect(await hostButton.evaluate((element) => getComputedStyle(element).minHeight)).not.toBe('44px');
    // 44 px targets inside the widget.
    const height = await productButton.evaluate((element) => element.getBoundingClientRect().height);
    expect(height).toBeGreaterThanOrEqual(44);

    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: unknown): Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
      const result = await axe.run({ include: [['minishop-store']] });
      return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => violation.id);
    });
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is refused on a host page of an origin the shop did not allow', async () => {
    const { context, page } = await newPage();
    const refused: string[] = [];
    page.on('requestfailed', (request) => {
      if (request.url().startsWith(`${apiUrl}/api/store/shops/`)) refused.push(request.url());
    });
    await page.goto(`http://127.0.0.1:${hostPort}/`);
    await page.getByRole('alert').filter({ hasText: 'This shop is not available.' }).waitFor();
    expect(await page.getByRole('button', { name: /^Oolong/ }).count()).toBe(0);
    expect(refused).toContain(`${apiUrl}/api/store/shops/${shop.slug}`);
    await context.close();
  });

  it('completes a purchase, card top-up included, with the keyboard alone', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`http://localhost:${hostPort}/`);
    await page.getByRole('button', { name: /^Jasmine Tea/ }).waitFor();
    await tabTo(page, 'Jasmine Tea');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Jasmine Tea' }).waitFor();
    await tabTo(page, 'Add to cart');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'added' }).waitFor();
    await tabTo(page, 'Cart (1)');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    await tabTo(page, 'Place order');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Pay €12.50 from my wallet' }).waitFor();
    await tabTo(page, 'Top up my wallet');
    await page.keyboard.press('Enter');
    // Focus is on the new view's heading by the time the key press has been handled, not a frame later:
    // a focus that arrives late takes the keyboard user's next Tab or Enter away from where it was going.
    expect(await focusedText(page)).toBe('Wallet');
    await tabTo(page, 'Top up €20.00');
    await page.keyboard.press('Enter');
    await waitOrExplain(page, page.getByLabel('Card number'));
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('autocomplete'))).toBe('cc-number');
    await page.keyboard.type('4242424242424242');
    await tabTo(page, 'Pay €20.00 by card');
    await page.keyboard.press('Enter');
    // The widget goes back to the order once Stripe's webhook has credited the wallet (it polls for that).
    await page.getByRole('button', { name: 'Pay €12.50 from my wallet' }).waitFor();
    await tabTo(page, 'Pay €12.50 from my wallet');
    await page.keyboard.press('Enter');
    await page.getByText('Paid. Thank you!').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a payment code that the counter scans and charges, and asks the shopper to confirm a charge above the threshold', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`http://localhost:${hostPort}/`);
    await page.getByRole('button', { name: 'Wallet' }).click();
    await page.getByRole('button', { name: 'Top up €20.00' }).click();
    await page.getByLabel('Card number').fill('4242424242424242');
    await page.getByRole('button', { name: 'Pay €20.00 by card' }).click();
    await page.getByText('Wallet balance: €20.00').waitFor();

    await page.getByRole('button', { name: 'Pay at the counter' }).click();
    const code = page.getByRole('img', { name: 'Payment code' });
    await code.waitFor();
    // The counter's scanner: the code as the screen shows it.
    const shot = PNG.sync.read(await code.screenshot());
    const token = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data;
    expect(token).toBeTruthy();
    const charge = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/payment-code-charges',
      headers: { ...owner.headers, 'idempotency-key': `counter-${Date.now()}` },
      payload: { shopId: shop.shopId, token, amountMinor: 1_500 },
    });
    expect(charge.statusCode).toBe(201);
    expect(charge.json().status).toBe('awaiting_confirmation');

    const dialog = page.getByRole('dialog', { name: 'Confirm this charge' });
    await dialog.waitFor();
    await dialog.getByText(`Shop ${shop.slug} asks for €15.00.`).waitFor();
    // Focus is in the dialog and Tab keeps it there.
    expect(await focusedText(page)).toBe('Confirm');
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Decline');
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Confirm');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `Paid €15.00 at Shop ${shop.slug}.` }).waitFor();
    const { rows } = await testApp.database.pool.query<{ status: string }>('select status from payment_code_charge where id = $1', [charge.json().id]);
    expect(rows[0]?.status).toBe('succeeded');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('delivers to an address typed at checkout, charging the fee the server computes, and names a bad field', async () => {
    const offered = await testApp.app.inject({
      method: 'PUT',
      url: `/api/admin/shops/${shop.shopId}`,
      headers: owner.headers,
      payload: { fulfilmentMethods: ['pickup', 'delivery'], delivery: { fee: { kind: 'flat', feeMinor: 450 } } },
    });
    expect(offered.statusCode).toBe(200);
    // Orders this test did not place (earlier tests') are left out of what it asserts.
    const earlierOrders = (await testApp.database.pool.query<{ id: string }>('select id from shop_order where shop_id = $1', [shop.shopId])).rows.map((row) => row.id);
    const pendingOrdersOfThisTest = async () =>
      (
        await testApp.database.pool.query<{ fulfilment_method: string; delivery_fee_minor: number; city: string }>(
          `select fulfilment_method, delivery_fee_minor, delivery_address->>'city' as city from shop_order
            where shop_id = $1 and status = 'pending_payment' and id <> all($2::uuid[])`,
          [shop.shopId, earlierOrders],
        )
      ).rows;
    const { context, page, errors } = await newPage();
    await page.goto(`http://localhost:${hostPort}/`);
    await page.getByRole('button', { name: /^Oolong/ }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('button', { name: 'Cart (1)' }).click();
    await page.getByRole('radio', { name: 'Delivery' }).check();
    await page.getByLabel('Recipient').fill('Ada Lovelace');
    await page.getByLabel('Phone').fill('not a phone');
    await page.getByLabel('Street and number').fill('12 rue de Rivoli');
    await page.getByLabel('City').fill('Paris');
    await page.getByLabel('Postal code').fill('75001');
    await page.getByLabel('Country code (e.g. FR)').fill('FR');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('alert').filter({ hasText: /phone/ }).waitFor();
    expect(await page.getByLabel('Phone').getAttribute('aria-invalid')).toBe('true');
    expect(await pendingOrdersOfThisTest()).toEqual([]);

    await page.getByLabel('Phone').fill('+33 6 12 34 56 78');
    await page.getByLabel('Country code (e.g. FR)').focus();
    await page.getByLabel('Country code (e.g. FR)').blur();
    await page.getByText('Delivery fee: €4.50').waitFor();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('button', { name: 'Pay €13.50 from my wallet' }).waitFor();
    expect(await pendingOrdersOfThisTest()).toEqual([{ fulfilment_method: 'delivery', delivery_fee_minor: 450, city: 'Paris' }]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('runs framed by a host chat of an allowed origin, taking its theme and language through the bridge and sharing a card back', async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`http://localhost:${hostPort}/?frame=1`);
    const frame = page.frameLocator('iframe[title="Shop"]');
    await frame.getByRole('searchbox', { name: '搜索商品' }).waitFor();
    await frame.getByRole('button', { name: /^Oolong/ }).click();
    const share = frame.getByRole('button', { name: '分享到聊天' });
    const addToCart = frame.getByRole('button', { name: '加入购物车' });
    expect(await addToCart.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(122, 31, 162)');
    await share.click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { received: { type: string }[] }).received.map((message) => message.type))).toEqual(['hello', 'share']);
    const shared = await page.evaluate(() => (window as unknown as { received: { v: number; type: string; id: string; card: unknown }[] }).received[1]);
    expect(shared).toMatchObject({ v: 1, type: 'share', card: { shop: shop.slug, title: 'Oolong' } });
    expect(shared?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('cannot be framed by a page of an origin the shop did not allow', async () => {
    const { context, page } = await newPage();
    await page.goto(`http://127.0.0.1:${hostPort}/?frame=1`);
    await page.waitForTimeout(1_500);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    expect(await frame?.locator('minishop-store').count().catch(() => 0)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { received: unknown[] }).received)).toEqual([]);
    await context.close();
  });

  it("pays an order by scanning its QR code from a photo, decoded by the lazily loaded jsQR", { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`http://localhost:${hostPort}/`);
    await page.getByRole('button', { name: 'Wallet' }).click();
    await page.getByRole('button', { name: 'Top up €10.00' }).click();
    await page.getByLabel('Card number').fill('4242424242424242');
    await page.getByRole('button', { name: 'Pay €10.00 by card' }).click();
    await page.getByText('Wallet balance: €10.00').waitFor();
    await page.getByRole('button', { name: `Shop ${shop.slug}` }).click();
    await page.getByRole('button', { name: /^Oolong/ }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('button', { name: 'Cart (1)' }).click();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('button', { name: 'Pay €9.00 from my wallet' }).waitFor();
    const { rows } = await testApp.database.pool.query<{ id: string }>(`select id from shop_order where shop_id = $1 and status = 'pending_payment' order by created_at desc limit 1`, [shop.shopId]);
    const orderId = rows[0]!.id;

    // The counter shows the order's code; the shopper photographs it.
    const image = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${orderId}/payment-qr.png`, headers: owner.headers });
    expect(image.statusCode).toBe(200);
    await page.getByRole('button', { name: 'Scan to pay' }).click();
    await page.getByLabel("Photo of the order's QR code").setInputFiles({ name: 'order-code.png', mimeType: 'image/png', buffer: image.rawPayload });
    await page.getByText('Paid. Thank you!').waitFor();
    const { rows: paid } = await testApp.database.pool.query<{ status: string }>('select status from shop_order where id = $1', [orderId]);
    expect(paid[0]?.status).toBe('paid');

    // A photo without a code says so, and pays nothing.
    await page.getByRole('button', { name: 'Scan to pay' }).click();
    await page.getByLabel("Photo of the order's QR code").setInputFiles({ name: 'blank.png', mimeType: 'image/png', buffer: PNG.sync.write(new PNG({ width: 64, height: 64, fill: true })) });
    await page.getByRole('alert').filter({ hasText: 'No QR code found in this photo.' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("runs as a Telegram Mini App: the shopper from initData, the theme's button colour, and checkout on the main button", async () => {
    const { context, page, errors } = await newPage();
    // What Telegram's own script provides to a Mini App (window.Telegram.WebApp), with a main button that records its state.
    await context.addInitScript(`window.Telegram = { WebApp: {
      initData: ${JSON.stringify(telegramInitData({ id: 777001, first_name: 'Mei', language_code: 'en' }))},
      themeParams: { button_color: '#1c5a96' },
      ready: function () {},
      MainButton: { text: '', visible: false, callbacks: [],
        setText: function (text) { this.text = text; }, show: function () { this.visible = true; }, hide: function () { this.visible = false; },
        onClick: function (callback) { this.callbacks.push(callback); }, offClick: function (callback) { this.callbacks = this.callbacks.filter(function (c) { return c !== callback; }); } } } };`);
    await page.goto(`http://localhost:${hostPort}/`);
    await page.getByRole('button', { name: /^Oolong/ }).click();
    const addToCart = page.getByRole('button', { name: 'Add to cart' });
    expect(await addToCart.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(28, 90, 150)');
    await addToCart.click();
    await page.getByRole('button', { name: 'Cart (1)' }).click();
    const mainButton = () => page.evaluate(() => {
      const button = (window as unknown as { Telegram: { WebApp: { MainButton: { text: string; visible: boolean; callbacks: unknown[] } } } }).Telegram.WebApp.MainButton;
      return { text: button.text, visible: button.visible, callbacks: button.callbacks.length };
    });
    await expect.poll(mainButton).toEqual({ text: 'Place order', visible: true, callbacks: 1 });
    await page.evaluate(() => (window as unknown as { Telegram: { WebApp: { MainButton: { callbacks: (() => void)[] } } } }).Telegram.WebApp.MainButton.callbacks[0]!());
    await page.getByRole('button', { name: 'Pay €9.00 from my wallet' }).waitFor();
    // Leaving the cart hides the main button again.
    expect(await mainButton()).toEqual({ text: 'Place order', visible: false, callbacks: 0 });
    const { rows } = await testApp.database.pool.query<{ provider: string; display_name: string }>(
      `select identity.provider, shopper.display_name from shop_order join shopper on shopper.id = shop_order.shopper_id join shopper_identity identity on identity.shopper_id = shopper.id
        where shop_order.shop_id = $1 order by shop_order.created_at desc limit 1`,
      [shop.shopId],
    );
    expect(rows[0]).toEqual({ provider: 'telegram', display_name: 'Mei' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('speaks Arabic right to left when the host asks for it, prices formatted for Arabic', async () => {
    const { context, page } = await newPage();
    await page.goto(`http://localhost:${hostPort}/?lang=ar`);
    const search = page.getByRole('searchbox', { name: 'ابحث عن المنتجات' });
    await search.waitFor();
    expect(await search.evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');
    // Arabic puts the currency after the amount (Chromium's ICU writes Latin digits for plain "ar").
    expect(await page.locator('minishop-store').getByRole('button', { name: /^Oolong/ }).textContent()).toMatch(/9\.00\s€/);
    expect(await page.locator('minishop-store').getByRole('button', { name: /^السلة/ }).count()).toBe(1);
    await context.close();
  });

  it("opens a shared product from its /r/ link, records the open for the sharer, and without a host shares the reader's own link by the clipboard", async () => {
    const sharer = await createGuestShopper(testApp.app);
    const created = await testApp.app.inject({ method: 'POST', url: '/api/store/share-links', headers: sharer.headers, payload: { kind: 'product', shopSlug: shop.slug, targetId: shop.productId } });
    expect(created.statusCode, created.body).toBe(201);
    const { code } = created.json() as { code: string };
    const { context, page, errors } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: apiUrl });
    await page.goto(`${apiUrl}/r/${code}`);
    await waitOrExplain(page, page.getByRole('heading', { name: 'Jasmine Tea' }));
    // The reader is a guest signed in by the widget: their open is a touch for the sharer.
    const touches = () => testApp.database.pool.query(`select shopper_id from share_touch touch join share_link link on link.id = touch.share_link_id where link.code = $1`, [code]).then((result) => result.rows.length);
    await expect.poll(touches).toBe(1);
    await page.getByRole('button', { name: 'Share in the chat' }).click();
    await page.getByText('Link copied: paste it in the chat.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(/\/r\/[A-Za-z0-9]{10}$/);
    expect(copied.endsWith(code)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("lands in the shop from a printed shop code's link, in the browser's language", async () => {
    const { context, page } = await newPage('zh-CN');
    const token = testApp.app.services.qr.sign({ type: 'shop', merchantId, shopId: shop.shopId });
    await page.goto(`${apiUrl}/s/${token}`);
    await page.getByRole('heading', { name: `Shop ${shop.slug}` }).waitFor();
    await page.getByRole('searchbox', { name: '搜索商品' }).fill('Oolong');
    await page.getByRole('button', { name: /^Oolong/ }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: /^Jasmine Tea/ }).count()).toBe(0);
    await context.close();
  });
});
