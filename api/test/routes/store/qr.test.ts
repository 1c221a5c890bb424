import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { addProduct, createStoreFixture, type StoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let merchantId: string;
let owner: StaffSession;
let shop: StoreFixture;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  merchantId = owner.merchantId;
  shop = await createStoreFixture(testApp.app, merchantId, { slug: 'neon-sneakers' });
});
afterAll(() => testApp.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);
const resolve = (token: string) => testApp.app.inject({ method: 'GET', url: `/api/store/qr/${token}` });

describe('GET /api/store/qr/:token', () => {
  it('resolves shop, product and table codes by the ids they carry, so a renamed shop still opens', async () => {
    const { qr } = testApp.app.services;
    const shopToken = qr.sign({ type: 'shop', merchantId, shopId: shop.shopId });
    const productToken = qr.sign({ type: 'product', merchantId, shopId: shop.shopId, productId: shop.productId });
    const tableToken = qr.sign({ type: 'table', merchantId, shopId: shop.shopId, table: 'Bar 3' });
    expect((await resolve(shopToken)).json()).toEqual({ type: 'shop', shopSlug: 'neon-sneakers' });
    expect((await resolve(productToken)).json()).toEqual({ type: 'product', shopSlug: 'neon-sneakers', productId: shop.productId });
    expect((await resolve(tableToken)).json()).toEqual({ type: 'table', shopSlug: 'neon-sneakers', table: 'Bar 3' });

    const rename = (slug: string) => testApp.app.inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { slug } });
    expect((await rename('neon-kicks')).statusCode).toBe(200);
    expect((await resolve(shopToken)).json()).toEqual({ type: 'shop', shopSlug: 'neon-kicks' });
    expect((await rename('neon-sneakers')).statusCode).toBe(200);
  });

  it('refuses an altered or made-up code with 400 qr_tampered', async () => {
    const token = testApp.app.services.qr.sign({ type: 'shop', merchantId, shopId: shop.shopId });
    const altered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    for (const candidate of [altered, 'hello', 'a'.repeat(300), '%E2%9C%93']) {
      const response = await resolve(candidate);
      expect(response.statusCode, candidate).toBe(400);
      expect(response.json()).toMatchObject({ type: 'validation', code: 'qr_tampered', errors: { token: 'is not a valid code' } });
    }
  });

  it('refuses an expired code with 400 qr_expired', async () => {
    const token = testApp.app.services.qr.sign({ type: 'shop', merchantId, shopId: shop.shopId, issuedAtSeconds: nowSeconds() - 120, expiresAtSeconds: nowSeconds() - 60 });
    const response = await resolve(token);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('qr_expired');
  });

  it('refuses order and payment codes with 400 qr_wrong_type: they are not for opening a shop', async () => {
    const { qr } = testApp.app.services;
    for (const token of [
      qr.sign({ type: 'order', merchantId, shopId: shop.shopId, orderId: newId(), expiresAtSeconds: nowSeconds() + 600 }),
      qr.sign({ type: 'payment_code', shopperId: newId(), expiresAtSeconds: nowSeconds() + 60 }),
    ]) {
      const response = await resolve(token);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('qr_wrong_type');
    }
  });

  it('answers 404 for a closed shop or a product no longer on sale', async () => {
    const { qr } = testApp.app.services;
    const closed = await createStoreFixture(testApp.app, merchantId, { shopStatus: 'closed' });
    const closedResponse = await resolve(qr.sign({ type: 'shop', merchantId, shopId: closed.shopId }));
    expect(closedResponse.statusCode).toBe(404);
    expect(closedResponse.json().code).toBe('shop_not_found');

    const draftProductId = await addProduct(testApp.app, merchantId, shop.shopId, { productStatus: 'draft' });
    const draftResponse = await resolve(qr.sign({ type: 'product', merchantId, shopId: shop.shopId, productId: draftProductId }));
    expect(draftResponse.statusCode).toBe(404);
    expect(draftResponse.json().code).toBe('product_not_found');

    const otherShop = await createStoreFixture(testApp.app, merchantId);
    const elsewhere = await resolve(qr.sign({ type: 'product', merchantId, shopId: shop.shopId, productId: otherShop.productId }));
    expect(elsewhere.statusCode).toBe(404);
  });

  it('refuses a code whose merchant does not own the shop it names', async () => {
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    const response = await resolve(testApp.app.services.qr.sign({ type: 'shop', merchantId: stranger.merchantId, shopId: shop.shopId }));
    expect(response.statusCode).toBe(404);
  });
});

describe('GET /s/:token', () => {
  it('opens a page hosting the widget at the code\'s shop, product or table (the /s pages are tested in api/test/widget/code-pages.test.ts)', async () => {
    const { qr } = testApp.app.services;
    const cases = [
      [qr.sign({ type: 'shop', merchantId, shopId: shop.shopId }), '<minishop-store shop="neon-sneakers">'],
      [qr.sign({ type: 'product', merchantId, shopId: shop.shopId, productId: shop.productId }), `<minishop-store shop="neon-sneakers" product="${shop.productId}">`],
      [qr.sign({ type: 'table', merchantId, shopId: shop.shopId, table: 'Bar 3 & co' }), '<minishop-store shop="neon-sneakers" table="Bar 3 &#38; co" table-token="'],
    ] as const;
    for (const [token, element] of cases) {
      const response = await testApp.app.inject({ method: 'GET', url: `/s/${token}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain(element);
      expect(response.headers.location).toBeUndefined();
    }
  });

  it('answers a bad code with a 400 page, not JSON, and redirects nowhere', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/s/not-a-code' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('This code cannot be read');
    expect(response.headers.location).toBeUndefined();
  });
});
