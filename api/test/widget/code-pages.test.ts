import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createStoreFixture, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';
import { ensureWidgetBuilt } from '../helpers/widget.ts';
import { checkout } from '../helpers/orders.ts';
import { createGuestShopper } from '../helpers/shoppers.ts';

/** What printed codes open (/s/<token>), and how the widget's files are served and cached. */
let testApp: TestApp;
let merchantId: string;
let owner: StaffSession;
let shop: StoreFixture;

/** Changes the shop as its owner would, through the console's API. */
async function updateShop(body: Record<string, unknown>): Promise<void> {
  const response = await testApp.app.inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: body });
  expect(response.statusCode, response.body).toBe(200);
}

beforeAll(async () => {
  await ensureWidgetBuilt();
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  merchantId = owner.merchantId;
  shop = await createStoreFixture(testApp.app, merchantId, { slug: 'lantern-tea', variants: [{ priceMinor: 450, stockOnHand: 5 }] });
  await updateShop({ name: 'Lantern Tea', description: 'Tea by the window' });
});
afterAll(() => testApp?.close());

const open = (token: string, acceptLanguage?: string) =>
  testApp.app.inject({ method: 'GET', url: `/s/${token}`, headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });

describe('a printed shop, product or table code', () => {
  it('opens a standalone page hosting the widget at the shop, with Open Graph tags for chats to unfurl', async () => {
    const token = testApp.app.services.qr.sign({ type: 'shop', merchantId, shopId: shop.shopId });
    const response = await open(token);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<minishop-store shop="lantern-tea"></minishop-store>');
    expect(response.body).toContain('<script src="/widget.js" async></script>');
    expect(response.body).toContain('<meta property="og:title" content="Lantern Tea">');
    expect(response.body).toContain('<meta property="og:description" content="Tea by the window">');
    expect(response.body).toContain(`<meta property="og:url" content="${testApp.config.http.publicUrl}/s/${token}">`);
  });

  it('opens a product code at the product, titled with it', async () => {
    const token = testApp.app.services.qr.sign({ type: 'product', merchantId, shopId: shop.shopId, productId: shop.productId });
    const response = await open(token);
    expect(response.body).toContain(`product="${shop.productId}"`);
    expect(response.body).toContain('<meta property="og:title" content="Jasmine Tea · Lantern Tea">');
  });

  it('hands a table code to the widget as the proof of the table for checkout', async () => {
    const token = testApp.app.services.qr.sign({ type: 'table', merchantId, shopId: shop.shopId, table: '<b>7</b>' });
    const response = await open(token);
    expect(response.body).toContain(`table="&#60;b&#62;7&#60;/b&#62;" table-token="${token}"`);
    expect(response.body).not.toContain('<b>7</b>');
  });

  it("opens an order's payment code as that order's pay page", async () => {
    const shopper = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, shopper, 'lantern-tea', { source: 'buy_now', variantId: shop.variantIds[0] })).json();
    const code = (await testApp.app.inject({ method: 'GET', url: `/api/store/orders/${order.id}/payment-qr`, headers: shopper.headers })).json();
    const response = await open(code.token);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`order="${order.id}" order-token="${code.token}"`);
  });
});

describe('a code that cannot be used', () => {
  it('shows a friendly page in the reader\'s language for a tampered code, not JSON', async () => {
    const token = testApp.app.services.qr.sign({ type: 'shop', merchantId, shopId: shop.shopId });
    const tampered = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const english = await open(tampered);
    expect(english.statusCode).toBe(400);
    expect(english.headers['content-type']).toMatch(/^text\/html/);
    expect(english.body).toContain('<h1>This code cannot be read</h1>');
    const chinese = await open(tampered, 'fr;q=0.9, zh-CN;q=0.8, en;q=0.5');
    expect(chinese.body).toContain('<html lang="zh" dir="ltr">');
    expect(chinese.body).toContain('无法识别此二维码');
    const arabic = await open(tampered, 'ar-EG');
    expect(arabic.body).toContain('<html lang="ar" dir="rtl">');
  });

  it('says an expired code has expired, with 410', async () => {
    const expired = testApp.app.services.qr.sign({ type: 'order', merchantId, shopId: shop.shopId, orderId: shop.productId, expiresAtSeconds: Math.floor(Date.now() / 1000) - 5 });
    const response = await open(expired);
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('This code has expired');
  });

  it('says a closed shop is not available, with 404', async () => {
    const token = testApp.app.services.qr.sign({ type: 'shop', merchantId, shopId: shop.shopId });
    await updateShop({ status: 'closed' });
    try {
      const response = await open(token, 'en');
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain('This shop is not available');
    } finally {
      await updateShop({ status: 'open' });
    }
  });
});

describe('the widget files', () => {
  it('serves the loader under a stable name, cached briefly', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/widget.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('serves the hashed panel it names as immutable for a year, and nothing unhashed', async () => {
    const loader = (await testApp.app.inject({ method: 'GET', url: '/widget.js' })).body;
    const panel = /assets\/panel-[\w-]+\.js/.exec(loader)?.[0];
    const response = await testApp.app.inject({ method: 'GET', url: `/widget/${panel}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await testApp.app.inject({ method: 'GET', url: '/widget/assets/panel.js' })).statusCode).toBe(404);
    expect((await testApp.app.inject({ method: 'GET', url: '/widget/widget.js' })).statusCode).toBe(404);
  });

  it('serves the demo chat at /demo', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/demo' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<script src="/widget.js" async></script>');
  });
});

describe("a shop's store API from another web origin", () => {
  const allowed = 'http://localhost:4173';
  const shopUrl = () => '/api/store/shops/lantern-tea';

  it("answers the shop's allowed embed origins with CORS headers, preflights included", async () => {
    await updateShop({ allowedEmbedOrigins: [allowed] });
    const response = await testApp.app.inject({ method: 'GET', url: shopUrl(), headers: { origin: 'http://example.invalid' } });
    expect(response.statusCode).toBe(403);
    const get = await testApp.app.inject({ method: 'GET', url: shopUrl(), headers: { origin: allowed } });
    expect(get.statusCode).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(allowed);
    const preflight = await testApp.app.inject({
      method: 'OPTIONS',
      url: `${shopUrl()}/cart/lines/${shop.variantIds[0]}`,
      headers: { origin: allowed, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(allowed);
  });

  it('refuses any other origin: no CORS headers and 403 origin_not_allowed, and the cart is untouched', async () => {
    const shopper = await createGuestShopper(testApp.app);
    const foreign = 'http://127.0.0.2:8080';
    const preflight = await testApp.app.inject({
      method: 'OPTIONS',
      url: `${shopUrl()}/cart/lines/${shop.variantIds[0]}`,
      headers: { origin: foreign, 'access-control-request-method': 'PUT' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const put = await testApp.app.inject({ method: 'PUT', url: `${shopUrl()}/cart/lines/${shop.variantIds[0]}`, headers: { ...shopper.headers, origin: foreign }, payload: { quantity: 1 } });
    expect(put.statusCode).toBe(403);
    expect(put.json().code).toBe('origin_not_allowed');
    expect(put.headers['access-control-allow-origin']).toBeUndefined();
    const cart = await testApp.app.inject({ method: 'GET', url: `${shopUrl()}/cart`, headers: shopper.headers });
    expect(cart.json().lines).toEqual([]);
  });

  it("accepts the API's own pages and requests without an Origin", async () => {
    const own = new URL(testApp.config.http.publicUrl).origin;
    expect((await testApp.app.inject({ method: 'GET', url: shopUrl(), headers: { origin: own } })).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'GET', url: shopUrl() })).statusCode).toBe(200);
  });
});

describe('live updates (GET /ws) from a page embedding the widget', () => {
  function upgrade(url: string, origin: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { origin });
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', reject);
    });
  }

  it("accepts an open shop's allowed embed origin and refuses any other", async () => {
    await updateShop({ allowedEmbedOrigins: ['http://chat.example.test:8443'] });
    const base = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `${base.replace(/^http/, 'ws')}/ws`;
    expect(await upgrade(url, 'http://chat.example.test:8443')).toBe(101);
    expect(await upgrade(url, 'http://elsewhere.example.test')).toBe(403);
  });
});

describe('the framed widget page (GET /embed/:slug)', () => {
  it("may be framed by the shop's allowed embed origins only, and hands them to the widget's bridge", async () => {
    await updateShop({ allowedEmbedOrigins: ['https://chat.example.test'] });
    const response = await testApp.app.inject({ method: 'GET', url: '/embed/lantern-tea' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'self' https://chat.example.test;");
    expect(response.headers['x-frame-options']).toBeUndefined();
    expect(response.body).toContain('<minishop-store shop="lantern-tea" bridge-origins="https://chat.example.test"></minishop-store>');
  });

  it('answers a closed or unknown shop with a friendly 404 page that nobody may frame', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/embed/no-such-shop' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('This shop is not available');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'self'");
  });
});
