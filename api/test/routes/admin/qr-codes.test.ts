import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createGuestShopper, createStoreFixture, type StoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;
let shop: StoreFixture;

beforeAll(async () => {
  testApp = await buildTestApp({ PUBLIC_URL: 'https://shop.example.test' });
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { slug: 'lotus-tea' });
});
afterAll(() => testApp.close());

/** Reads a served PNG the way a phone camera would, and returns the text it encodes. */
function decodePng(body: Buffer): { text: string; width: number } {
  const image = PNG.sync.read(body);
  const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  if (!code) throw new Error('no QR code found in the image');
  return { text: code.data, width: image.width };
}

async function scanAndResolve(url: string, headers = owner.headers) {
  const image = await testApp.app.inject({ method: 'GET', url, headers });
  expect(image.statusCode, image.body.slice(0, 200)).toBe(200);
  expect(image.headers['content-type']).toBe('image/png');
  const { text } = decodePng(image.rawPayload);
  const prefix = 'https://shop.example.test/s/';
  expect(text.startsWith(prefix), text).toBe(true);
  const resolved = await testApp.app.inject({ method: 'GET', url: `/api/store/qr/${text.slice(prefix.length)}` });
  expect(resolved.statusCode).toBe(200);
  return resolved.json();
}

describe('GET /api/admin/qr-codes', () => {
  it('serves a shop code as PNG that scans to a link resolving to the shop', async () => {
    expect(await scanAndResolve(`/api/admin/qr-codes/shops/${shop.shopId}.png`)).toEqual({ type: 'shop', shopSlug: 'lotus-tea' });
  });

  it('serves a product code as PNG that resolves to the product in its shop', async () => {
    expect(await scanAndResolve(`/api/admin/qr-codes/products/${shop.productId}.png`)).toEqual({ type: 'product', shopSlug: 'lotus-tea', productId: shop.productId });
  });

  it('serves a table code as PNG that resolves to the table label, any characters included', async () => {
    const label = 'Terrace 7 · 窗边';
    const url = `/api/admin/qr-codes/shops/${shop.shopId}/tables/${encodeURIComponent(label)}.png`;
    expect(await scanAndResolve(url)).toEqual({ type: 'table', shopSlug: 'lotus-tea', table: label });
  });

  it('serves every code as SVG too, with a download name', async () => {
    for (const [url, filename] of [
      [`/api/admin/qr-codes/shops/${shop.shopId}.svg`, 'shop-lotus-tea.svg'],
      [`/api/admin/qr-codes/products/${shop.productId}.svg`, `product-${shop.productId}.svg`],
      [`/api/admin/qr-codes/shops/${shop.shopId}/tables/A1.svg`, 'table-lotus-tea-a1.svg'],
    ] as const) {
      const response = await testApp.app.inject({ method: 'GET', url, headers: owner.headers });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`inline; filename="${filename}"`);
      expect(response.body).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"[\s\S]*<path[\s\S]*<\/svg>\s*$/);
    }
  });

  it('draws PNGs at the requested size and refuses sizes out of 64..2048', async () => {
    const image = await testApp.app.inject({ method: 'GET', url: `/api/admin/qr-codes/shops/${shop.shopId}.png?size=256`, headers: owner.headers });
    expect(decodePng(image.rawPayload).width).toBe(256);
    for (const size of ['10', '4096', 'big']) {
      const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/qr-codes/shops/${shop.shopId}.png?size=${size}`, headers: owner.headers });
      expect(response.statusCode, size).toBe(400);
      expect(response.json().errors).toHaveProperty('size');
    }
  });

  it('refuses table labels that are empty of text, longer than 40 characters or hold control characters', async () => {
    for (const label of ['x'.repeat(41), '%20%20', 'A%001']) {
      const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/qr-codes/shops/${shop.shopId}/tables/${label}.png`, headers: owner.headers });
      expect(response.statusCode, label).toBe(400);
      expect(response.json().errors).toHaveProperty('table');
    }
  });

  it("hides another merchant's shops and products behind 404, and unknown ones too", async () => {
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    for (const url of [
      `/api/admin/qr-codes/shops/${shop.shopId}.png`,
      `/api/admin/qr-codes/products/${shop.productId}.svg`,
      `/api/admin/qr-codes/shops/${shop.shopId}/tables/A1.png`,
    ]) {
      const response = await testApp.app.inject({ method: 'GET', url, headers: stranger.headers });
      expect(response.statusCode, url).toBe(404);
    }
    const unknown = await testApp.app.inject({ method: 'GET', url: `/api/admin/qr-codes/products/${newId()}.png`, headers: owner.headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('product_not_found');
    const malformed = await testApp.app.inject({ method: 'GET', url: '/api/admin/qr-codes/shops/not-a-uuid.png', headers: owner.headers });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors).toHaveProperty('shopId');
  });

  it('lets every merchant role print codes, and nobody without a staff token', async () => {
    const finance = await createMerchantWithStaff(testApp.app, 'finance', owner.merchantId);
    const clerk = await createMerchantWithStaff(testApp.app, 'clerk', owner.merchantId);
    for (const staff of [finance, clerk]) {
      expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/qr-codes/shops/${shop.shopId}.svg`, headers: staff.headers })).statusCode).toBe(200);
    }
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/qr-codes/shops/${shop.shopId}.svg` })).statusCode).toBe(401);
    const shopper = await createGuestShopper(testApp.app);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/qr-codes/shops/${shop.shopId}.svg`, headers: shopper.headers })).statusCode).toBe(401);
  });
});
