import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createProduct, createShop, createVariant, moveStock } from '../../helpers/catalog.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;
let productId: string;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  const shop = await createShop(testApp.app, owner);
  productId = (await createProduct(testApp.app, owner, shop.id)).id;
});
afterAll(() => testApp.close());

async function movementsOf(variantId: string) {
  const { rows } = await testApp.database.pool.query(
    'select quantity_delta, stock_on_hand_after, reason, actor_type, actor_id from stock_movement where variant_id = $1 order by created_at',
    [variantId],
  );
  return rows;
}

async function variantCount(): Promise<number> {
  const { rows } = await testApp.database.pool.query('select count(*)::int as count from variant');
  return rows[0].count;
}

describe('/api/admin/variants', () => {
  it('creates a variant with opening stock written to the journal as an initial movement by the actor', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/variants',
      headers: owner.headers,
      payload: { productId, sku: 'SEN-100', title: '100 g', priceMinor: 1299, stockOnHand: 12 },
    });
    expect(response.statusCode).toBe(201);
    const variant = response.json();
    expect(variant).toMatchObject({ sku: 'SEN-100', priceMinor: 1299, stockOnHand: 12, stockReserved: 0, stockAvailable: 12, position: 0 });
    expect(await movementsOf(variant.id)).toEqual([{ quantity_delta: 12, stock_on_hand_after: 12, reason: 'initial', actor_type: 'staff', actor_id: owner.userId }]);
  });

  it('writes no movement for a variant created without stock', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 0 });
    expect(variant.stockOnHand).toBe(0);
    expect(await movementsOf(variant.id)).toEqual([]);
  });

  it('refuses a SKU the merchant already uses with 409 naming sku, and creates nothing', async () => {
    await createVariant(testApp.app, owner, productId, { sku: 'DUP-1' });
    const before = await variantCount();
    const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/variants', headers: owner.headers, payload: { productId, sku: 'DUP-1', priceMinor: 1 } });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ type: 'conflict', code: 'sku_taken', errors: { sku: 'is already taken' } });
    expect(await variantCount()).toBe(before);
  });

  it('gives one of two concurrent creates of the same SKU a 409, never a 500', async () => {
    const responses = await Promise.all(
      [1, 2, 3].map(() => testApp.app.inject({ method: 'POST', url: '/api/admin/variants', headers: owner.headers, payload: { productId, sku: 'RACE-1', priceMinor: 1, stockOnHand: 1 } })),
    );
    expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it('lets another merchant use the same SKU', async () => {
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    const strangersShop = await createShop(testApp.app, stranger);
    const strangersProduct = await createProduct(testApp.app, stranger, strangersShop.id);
    const variant = await createVariant(testApp.app, stranger, strangersProduct.id, { sku: 'DUP-1' });
    expect(variant.sku).toBe('DUP-1');
  });

  it('refuses prices that are negative, fractional or beyond a safe integer, and negative stock', async () => {
    for (const [payload, field] of [
      [{ priceMinor: -1 }, 'priceMinor'],
      [{ priceMinor: 12.5 }, 'priceMinor'],
      [{ priceMinor: Number.MAX_SAFE_INTEGER + 2 }, 'priceMinor'],
      [{ priceMinor: 100, stockOnHand: -3 }, 'stockOnHand'],
    ] as const) {
      const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/variants', headers: owner.headers, payload: { productId, sku: `BAD-${field}`, ...payload } });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(response.json().errors), JSON.stringify(payload)).toContain(field);
    }
  });

  it("refuses another merchant's product with 400 naming productId", async () => {
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/variants', headers: stranger.headers, payload: { productId, sku: 'X-1', priceMinor: 1 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual({ productId: 'does not exist' });
  });

  it('ignores stock, reservation and product in an update: stock moves only through the journal', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 5, priceMinor: 500 });
    const otherProduct = await createProduct(testApp.app, owner, (await createShop(testApp.app, owner)).id);
    const response = await testApp.app.inject({
      method: 'PUT',
      url: `/api/admin/variants/${variant.id}`,
      headers: owner.headers,
      payload: { ...variant, priceMinor: 650, title: '250 g', stockOnHand: 999, stockReserved: 3, stockAvailable: 996, productId: otherProduct.id },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ priceMinor: 650, title: '250 g', stockOnHand: 5, stockReserved: 0, stockAvailable: 5, productId });
    const { rows } = await testApp.database.pool.query('select stock_on_hand, stock_reserved, product_id from variant where id = $1', [variant.id]);
    expect(rows).toEqual([{ stock_on_hand: 5, stock_reserved: 0, product_id: productId }]);
    expect(await movementsOf(variant.id)).toHaveLength(1);
  });

  it('refuses to rename a SKU to a taken one', async () => {
    const first = await createVariant(testApp.app, owner, productId);
    const second = await createVariant(testApp.app, owner, productId);
    const response = await testApp.app.inject({ method: 'PUT', url: `/api/admin/variants/${second.id}`, headers: owner.headers, payload: { sku: first.sku } });
    expect(response.statusCode).toBe(409);
    expect(response.json().errors).toEqual({ sku: 'is already taken' });
  });

  it('lists the variants of one product (getManyReference) sorted by price', async () => {
    const shop = await createShop(testApp.app, owner);
    const product = await createProduct(testApp.app, owner, shop.id);
    await createVariant(testApp.app, owner, product.id, { priceMinor: 300 });
    await createVariant(testApp.app, owner, product.id, { priceMinor: 100 });
    await createVariant(testApp.app, owner, product.id, { priceMinor: 200 });
    const filter = encodeURIComponent(JSON.stringify({ productId: product.id }));
    const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/variants?filter=${filter}&sort=["priceMinor","DESC"]&range=[0,1]`, headers: owner.headers });
    expect(response.headers['content-range']).toBe('variants 0-1/3');
    expect(response.json().map((variant: { priceMinor: number }) => variant.priceMinor)).toEqual([300, 200]);
  });

  it('deletes a variant that never moved, with its initial line; refuses one with history (409)', async () => {
    const untouched = await createVariant(testApp.app, owner, productId, { stockOnHand: 2 });
    expect((await testApp.app.inject({ method: 'DELETE', url: `/api/admin/variants/${untouched.id}`, headers: owner.headers })).statusCode).toBe(200);
    expect(await movementsOf(untouched.id)).toEqual([]);

    const moved = await createVariant(testApp.app, owner, productId, { stockOnHand: 2 });
    expect((await moveStock(testApp.app, owner, moved.id, -1, 'damage')).statusCode).toBe(201);
    const refused = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/variants/${moved.id}`, headers: owner.headers });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('variant_has_history');
    expect(await movementsOf(moved.id)).toHaveLength(2);
  });
});
