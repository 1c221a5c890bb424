import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { createCourier, createShipment } from '../helpers/delivery.ts';
import { operatorHeaders } from '../helpers/finance.ts';
import { checkout, fundWallet } from '../helpers/orders.ts';
import { addProduct, createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';
import { startWidgetBrowser, type WidgetBrowser } from '../helpers/widget-browser.ts';
import { hostToken, registerChatHost, type ChatHostFixture } from '../social/social-helpers.ts';

/**
 * The widget's live and checkout paths in Debian's Chromium against the real API: the demo chat's courier
 * phone moving an order the widget follows, an order paid by card, the counter's charge asking for consent
 * over GET /ws, scanning an order's code with a (fake) camera, the address book at checkout, and a host
 * chat's signed identity and `open-link` through the bridge.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DEVICE_KEY = 'minishop:device-id';

let stand: WidgetBrowser;
let testApp: TestApp;
let browser: Browser;
let apiUrl: string;
let hostPort: number;
let owner: StaffSession;
let shop: StoreFixture;
let chatHost: ChatHostFixture;
const scratch = mkdtempSync(join(tmpdir(), 'widget-live-'));

/** A host page: the widget by its script tag, or (`frame`) a host chat framing /embed/<slug> that passes a signed identity. */
function hostPage(query: URLSearchParams): string {
  const token = query.get('hostToken');
  if (!token) return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host chat</title></head><body><main><h1>Host chat</h1>
<script src="${apiUrl}/widget.js" data-shop="${shop.slug}" async></script></main></body></html>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framing host</title></head><body>
<iframe title="Shop" src="${apiUrl}/embed/${shop.slug}" style="width:400px;height:700px"></iframe>
<script>
window.received = [];
window.addEventListener('message', function (event) {
  if (event.origin !== ${JSON.stringify(apiUrl)}) return;
  window.received.push(event.data);
  if (event.data && event.data.v === 1 && event.data.type === 'hello') {
    event.source.postMessage({ v: 1, type: 'init', id: 'init-1', identity: { provider: 'host', hostId: ${JSON.stringify(chatHost.id)}, token: ${JSON.stringify(token)} } }, event.origin);
  }
});
</script></body></html>`;
}

beforeAll(async () => {
  stand = await startWidgetBrowser({ hostPage, stripe: true, relay: { pollIntervalMs: 1_000 }, env: { PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR: '1000' } });
  ({ testApp, apiUrl, browser, hostPort } = stand);
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 1250, stockOnHand: 50, title: '100 g' }] });
  await addProduct(testApp.app, owner.merchantId, shop.shopId, { title: 'Oolong', variants: [{ priceMinor: 900, stockOnHand: 50, title: 'Tin' }] });
  const settings = await testApp.app.inject({
    method: 'PUT',
    url: `/api/admin/shops/${shop.shopId}`,
    headers: owner.headers,
    payload: { fulfilmentMethods: ['pickup', 'delivery'], delivery: { fee: { kind: 'flat', feeMinor: 450 } }, allowedEmbedOrigins: [`http://localhost:${hostPort}`] },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  chatHost = await registerChatHost(testApp.app, await operatorHeaders(testApp.app));
}, 120_000);
afterAll(async () => {
  await stand?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A page whose widget signs in as the guest `deviceId` (the id it keeps in localStorage), if given. */
async function newPage(on: Browser = browser, deviceId?: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await on.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
  if (deviceId) await context.addInitScript(`localStorage.setItem(${JSON.stringify(DEVICE_KEY)}, ${JSON.stringify(deviceId)})`);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  if (process.env.DEBUG_BROWSER) page.on('console', (message) => console.log(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/** A guest shopper the test also holds a session of (the same device id as the widget's). */
async function guest(): Promise<{ deviceId: string; shopper: ShopperSession }> {
  const deviceId = `device-${Math.random().toString(16).slice(2)}${Date.now()}`;
  return { deviceId, shopper: await createGuestShopper(testApp.app, deviceId) };
}

async function orderOf(orderId: string) {
  const { rows } = await testApp.database.pool.query<{ status: string; payment_method: string | null }>('select status, payment_method from shop_order where id = $1', [orderId]);
  return rows[0];
}

async function axeSeriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown): Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
    const result = await axe.run({ include: [['minishop-store']] });
    return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => violation.id);
  });
}

/** A YUV4MPEG2 clip (what Chromium's fake camera plays) of the PNG centred on a white frame around it. */
function y4mOf(png: Buffer): Buffer {
  const image = PNG.sync.read(png);
  const even = (value: number) => value + (value % 2);
  const [width, height] = [even(image.width + 64), even(image.height + 64)];
  const luma = Buffer.alloc(width * height, 255);
  const left = Math.floor((width - image.width) / 2);
  const top = Math.floor((height - image.height) / 2);
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      const at = (y * image.width + x) * 4;
      const value = Math.round(0.299 * image.data[at]! + 0.587 * image.data[at + 1]! + 0.114 * image.data[at + 2]!);
      if (top + y >= 0 && top + y < height && left + x >= 0 && left + x < width) luma[(top + y) * width + left + x] = value;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}

describe('the widget, live and at checkout', () => {
  it('pays an order by card in the demo chat, and follows the courier the phone beside it rides to the door', { timeout: 90_000 }, async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`${apiUrl}/demo?shop=${shop.slug}&courierStepMs=300`);
    await page.getByRole('button', { name: 'Open Oolong in the shop' }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('button', { name: 'Cart (1)' }).click();
    await page.getByRole('button', { name: 'Place order' }).click();

    // Card checkout: Stripe's Payment Element (the stand-in) loads only now, in the light DOM.
    expect(await page.locator('script[src*="stripe-stand-in"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Pay by card' }).click();
    const cardNumber = page.getByLabel('Card number');
    await cardNumber.waitFor();
    expect(await cardNumber.evaluate((input) => input.getRootNode() === document)).toBe(true);
    await cardNumber.fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay €9.00 by card' }).click();
    await page.getByText('Paid. Thank you!').waitFor();
    const { rows } = await testApp.database.pool.query<{ id: string }>(`select id from shop_order where shop_id = $1 order by created_at desc limit 1`, [shop.shopId]);
    const orderId = rows[0]!.id;
    expect(await orderOf(orderId)).toEqual({ status: 'paid', payment_method: 'card' });
    // The live update may show the order paid before the widget's own poll of the card payment ends and
    // takes Stripe's element away: it must go, within that poll.
    await cardNumber.waitFor({ state: 'detached', timeout: 5_000 });

    // The shop hands the order to a courier; the courier's phone in the demo rides it to the door.
    const courier = await createCourier(testApp.app, owner);
    expect((await createShipment(testApp.app, owner, orderId, { courierId: courier.id, destination: { latitude: 48.8606, longitude: 2.3376 } })).statusCode).toBe(201);
    const phone = page.getByRole('complementary', { name: "Courier's phone" });
    await phone.getByLabel('Courier token').fill(courier.token);
    await phone.getByRole('button', { name: 'Ride to the door' }).click();
    const widget = page.locator('minishop-store');
    await widget.getByText('Status: shipped').waitFor();
    await widget.getByRole('img', { name: 'Courier route' }).waitFor();
    // The dot moves: the route drawn in the widget grows with every position as it arrives.
    const routePoints = () => widget.locator('svg.route polyline').evaluate((line) => (line.getAttribute('points') ?? '').split(' ').length).catch(() => 0);
    await expect.poll(routePoints, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    const partWay = await routePoints();
    expect(partWay).toBeLessThan(10);
    await expect.poll(routePoints, { timeout: 15_000 }).toBe(10);
    await phone.getByText('Delivered.').waitFor();
    await widget.getByText('Status: delivered').waitFor({ timeout: 15_000 });
    await widget.getByRole('button', { name: 'I received it' }).waitFor();
    expect((await orderOf(orderId))?.status).toBe('delivered');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks to confirm a counter charge above the threshold the moment it is made, over GET /ws, and the charge completes once confirmed', { timeout: 60_000 }, async () => {
    const { deviceId, shopper } = await guest();
    await fundWallet(testApp.app, shopper.shopperId, 2_000);
    const { context, page, errors } = await newPage(browser, deviceId);
    const chargeReads: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/store/payment-code-charges')) chargeReads.push(request.url());
    });
    await page.goto(`http://localhost:${hostPort}/`);
    await page.getByRole('button', { name: 'Pay at the counter' }).click();
    const code = page.getByRole('img', { name: 'Payment code' });
    await code.waitFor();
    const { token } = (
      await testApp.app.inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/payment-codes`, headers: shopper.headers })
    ).json<{ token: string }>();
    // No polling: one read of the waiting charges once subscribed, then nothing until the socket says so.
    await expect.poll(() => chargeReads.length).toBe(1);
    await page.waitForTimeout(2_500);
    expect(chargeReads).toHaveLength(1);

    const charge = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/payment-code-charges',
      headers: { ...owner.headers, 'idempotency-key': `counter-${Date.now()}` },
      payload: { shopId: shop.shopId, token, amountMinor: 1_500 },
    });
    expect(charge.statusCode, charge.body).toBe(201);
    expect(charge.json().status).toBe('awaiting_confirmation');
    const dialog = page.getByRole('dialog', { name: 'Confirm this charge' });
    await dialog.waitFor();
    await dialog.getByText(`Shop ${shop.slug} asks for €15.00.`).waitFor();
    expect(chargeReads).toHaveLength(2);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: `Paid €15.00 at Shop ${shop.slug}.` }).waitFor();
    const { rows } = await testApp.database.pool.query<{ status: string }>('select status from payment_code_charge where id = $1', [charge.json().id]);
    expect(rows[0]?.status).toBe('succeeded');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("pays an order by scanning its QR code with the camera (a fake video stream), and releases the camera once it is read", { timeout: 90_000 }, async () => {
    const { deviceId, shopper } = await guest();
    await fundWallet(testApp.app, shopper.shopperId, 2_000);
    const placed = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 1 });
    expect(placed.statusCode, placed.body).toBe(201);
    const orderId = placed.json().id as string;
    const image = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${orderId}/payment-qr.png`, headers: owner.headers });
    expect(image.statusCode).toBe(200);
    const clip = join(scratch, 'order-code.y4m');
    writeFileSync(clip, y4mOf(image.rawPayload));
    const cameraBrowser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`],
    });
    try {
      const { page, errors } = await newPage(cameraBrowser, deviceId);
      await page.context().grantPermissions(['camera'], { origin: `http://localhost:${hostPort}` });
      await page.goto(`http://localhost:${hostPort}/`);
      await page.getByRole('button', { name: 'Scan to pay' }).click();
      await page.getByRole('button', { name: 'Scan with the camera' }).click();
      await page.getByText('Paid. Thank you!').waitFor({ timeout: 20_000 });
      expect((await orderOf(orderId))?.status).toBe('paid');
      // The camera is released once the code is read.
      expect(await page.locator('minishop-store').evaluate((element) => Boolean(element.shadowRoot?.querySelector('video')?.srcObject))).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await cameraBrowser.close();
    }
  });

  it("offers the shopper's saved addresses at checkout, quotes the fee for the one chosen, and has no serious axe violation", { timeout: 60_000 }, async () => {
    const { deviceId, shopper } = await guest();
    const saved = await testApp.app.inject({
      method: 'POST',
      url: '/api/store/addresses',
      headers: shopper.headers,
      payload: { recipient: 'Ada Lovelace', phone: '+33 6 12 34 56 78', line1: '12 rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const { context, page, errors } = await newPage(browser, deviceId);
    await page.goto(`http://localhost:${hostPort}/`);
    await page.getByRole('button', { name: /^Oolong/ }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('button', { name: 'Cart (1)' }).click();
    await page.getByRole('radio', { name: 'Delivery' }).check();
    const savedChoice = page.getByRole('radio', { name: 'Ada Lovelace, 12 rue de Rivoli, Paris' });
    await savedChoice.waitFor();
    expect(await savedChoice.isChecked()).toBe(true);
    await page.getByText('Delivery fee: €4.50').waitFor();
    expect(await page.getByLabel('Street and number').count()).toBe(0);
    // A new address is still possible.
    await page.getByRole('radio', { name: 'A new address' }).check();
    await page.getByLabel('Street and number').waitFor();
    await savedChoice.check();
    expect(await axeSeriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('button', { name: 'Pay €13.50 from my wallet' }).waitFor();
    const { rows } = await testApp.database.pool.query<{ line1: string; fee: number }>(
      `select delivery_address->>'line1' as line1, delivery_fee_minor as fee from shop_order where shopper_id = $1`,
      [shopper.shopperId],
    );
    expect(rows).toEqual([{ line1: '12 rue de Rivoli', fee: 450 }]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("signs in with the host chat's signed token passed through the bridge, and asks the host to open a link", { timeout: 60_000 }, async () => {
    const subject = `member-${Date.now()}`;
    const token = await hostToken(chatHost, { sub: subject, name: 'Grace Hopper' });
    const { context, page, errors } = await newPage();
    await page.goto(`http://localhost:${hostPort}/?hostToken=${encodeURIComponent(token)}`);
    const frame = page.frameLocator('iframe[title="Shop"]');
    await frame.getByRole('button', { name: /^Oolong/ }).click();
    await frame.getByRole('button', { name: 'Add to cart' }).click();
    await frame.getByRole('button', { name: 'Cart (1)' }).click();
    await frame.getByRole('button', { name: 'Place order' }).click();
    await frame.getByRole('button', { name: 'Pay €9.00 from my wallet' }).waitFor();
    const { rows } = await testApp.database.pool.query<{ provider: string; subject: string; chat_host_id: string; display_name: string }>(
      `select identity.provider, identity.subject, identity.chat_host_id, shopper.display_name
         from shop_order join shopper on shopper.id = shop_order.shopper_id join shopper_identity identity on identity.shopper_id = shopper.id
        where shop_order.shop_id = $1 order by shop_order.created_at desc limit 1`,
      [shop.shopId],
    );
    expect(rows[0]).toEqual({ provider: 'host', subject, chat_host_id: chatHost.id, display_name: 'Grace Hopper' });

    await frame.getByRole('button', { name: 'Open in the browser' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { received: { type: string }[] }).received.map((message) => message.type))).toEqual(['hello', 'open-link']);
    const opened = await page.evaluate(() => (window as unknown as { received: { v: number; type: string; url: string }[] }).received[1]);
    expect(opened).toMatchObject({ v: 1, type: 'open-link', url: `${apiUrl}/embed/${shop.slug}` });
    expect(errors).toEqual([]);
    await context.close();
  });
});
