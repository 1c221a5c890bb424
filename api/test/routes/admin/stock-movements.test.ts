import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createProduct, createShop, createVariant, moveStock } from '../../helpers/catalog.ts';
import { reserveByAnotherShopper } from '../../helpers/orders.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;
let productId: string;
let shopSlug: string;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  const shop = await createShop(testApp.app, owner);
  shopSlug = shop.slug;
  productId = (await createProduct(testApp.app, owner, shop.id)).id;
});
afterAll(() => testApp.close());

async function stockOf(variantId: string) {
  const { rows } = await testApp.database.pool.query('select stock_on_hand, stock_reserved from variant where id = $1', [variantId]);
  const movements = await testApp.database.pool.query('select count(*)::int as count, coalesce(sum(quantity_delta), 0)::int as total from stock_movement where variant_id = $1', [variantId]);
  return { ...rows[0], movements: movements.rows[0].count, journalTotal: movements.rows[0].total };
}

describe('/api/admin/stock-movements', () => {
  it('receives stock: one journal line with the stock after it and the actor', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 10 });
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/stock-movements',
      headers: owner.headers,
      payload: { variantId: variant.id, quantityDelta: 5, reason: 'receipt', note: 'Delivery #42' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ variantId: variant.id, quantityDelta: 5, stockOnHandAfter: 15, reason: 'receipt', note: 'Delivery #42', actorType: 'staff', actorId: owner.userId });
    expect(await stockOf(variant.id)).toEqual({ stock_on_hand: 15, stock_reserved: 0, movements: 2, journalTotal: 15 });
  });

  it('lets a clerk adjust stock (stock.adjust) but not a finance member', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 1 });
    const clerk = await createMerchantWithStaff(testApp.app, 'clerk', owner.merchantId);
    const finance = await createMerchantWithStaff(testApp.app, 'finance', owner.merchantId);
    expect((await moveStock(testApp.app, clerk, variant.id, 1)).statusCode).toBe(201);
    expect((await moveStock(testApp.app, finance, variant.id, 1)).statusCode).toBe(403);
    expect((await stockOf(variant.id)).stock_on_hand).toBe(2);
  });

  it('refuses to go below the reserved units with 422 insufficient_stock and changes nothing', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 5 });
    await reserveByAnotherShopper(testApp.app, shopSlug, variant.id, 3);
    const refused = await moveStock(testApp.app, owner, variant.id, -3, 'loss');
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ type: 'business_rule', code: 'insufficient_stock' });
    expect(await stockOf(variant.id)).toEqual({ stock_on_hand: 5, stock_reserved: 3, movements: 1, journalTotal: 5 });
    expect((await moveStock(testApp.app, owner, variant.id, -2, 'loss')).statusCode).toBe(201);
    expect((await stockOf(variant.id)).stock_on_hand).toBe(3);
  });

  it('refuses to go below zero', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 1 });
    const refused = await moveStock(testApp.app, owner, variant.id, -2, 'damage');
    expect(refused.statusCode).toBe(422);
    expect(await stockOf(variant.id)).toEqual({ stock_on_hand: 1, stock_reserved: 0, movements: 1, journalTotal: 1 });
  });

  it('refuses a zero change, a sign that contradicts the reason and a system-only reason with 400', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 5 });
    for (const [payload, code] of [
      [{ quantityDelta: 0, reason: 'adjustment' }, 'invalid_input'],
      [{ quantityDelta: -1, reason: 'receipt' }, 'quantity_sign_mismatch'],
      [{ quantityDelta: 2, reason: 'damage' }, 'quantity_sign_mismatch'],
      [{ quantityDelta: 1, reason: 'initial' }, 'invalid_input'],
      [{ quantityDelta: 1, reason: 'sale' }, 'invalid_input'],
      [{ quantityDelta: 1.5, reason: 'receipt' }, 'invalid_input'],
    ] as const) {
      const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/stock-movements', headers: owner.headers, payload: { variantId: variant.id, ...payload } });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().code, JSON.stringify(payload)).toBe(code);
    }
    expect(await stockOf(variant.id)).toEqual({ stock_on_hand: 5, stock_reserved: 0, movements: 1, journalTotal: 5 });
  });

  it('refuses more stock than the column can hold with 422, never a 500', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 2_000_000_000 });
    const refused = await moveStock(testApp.app, owner, variant.id, 500_000_000);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('stock_limit_exceeded');
  });

  it("answers 400 naming variantId for another merchant's variant, and moves nothing", async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 5 });
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    const response = await moveStock(testApp.app, stranger, variant.id, -5, 'loss');
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual({ variantId: 'does not exist' });
    expect(await stockOf(variant.id)).toEqual({ stock_on_hand: 5, stock_reserved: 0, movements: 1, journalTotal: 5 });
  });

  it('never oversells under concurrent withdrawals: exactly the available units go, the rest get 422', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 7 });
    await reserveByAnotherShopper(testApp.app, shopSlug, variant.id, 2);
    const responses = await Promise.all(Array.from({ length: 12 }, () => moveStock(testApp.app, owner, variant.id, -1, 'loss')));
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(5);
    expect(statuses.filter((status) => status === 422)).toHaveLength(7);
    expect(await stockOf(variant.id)).toEqual({ stock_on_hand: 2, stock_reserved: 2, movements: 6, journalTotal: 2 });
    const afters = responses.filter((response) => response.statusCode === 201).map((response) => response.json().stockOnHandAfter);
    expect(afters.sort()).toEqual([2, 3, 4, 5, 6]);
  });

  it('lists the journal of one variant newest first, filters by reason, and shows one line', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 3 });
    await moveStock(testApp.app, owner, variant.id, 4, 'receipt');
    await moveStock(testApp.app, owner, variant.id, -1, 'damage');
    const filter = encodeURIComponent(JSON.stringify({ variantId: variant.id }));
    const list = await testApp.app.inject({ method: 'GET', url: `/api/admin/stock-movements?filter=${filter}&sort=["createdAt","DESC"]&range=[0,9]`, headers: owner.headers });
    expect(list.headers['content-range']).toBe('stock-movements 0-2/3');
    const reasons = list.json().map((movement: { reason: string }) => movement.reason);
    expect(reasons).toEqual(['damage', 'receipt', 'initial']);

    const damaged = await testApp.app.inject({
      method: 'GET',
      url: `/api/admin/stock-movements?filter=${encodeURIComponent(JSON.stringify({ variantId: variant.id, reason: 'damage' }))}`,
      headers: owner.headers,
    });
    expect(damaged.json()).toHaveLength(1);
    const one = await testApp.app.inject({ method: 'GET', url: `/api/admin/stock-movements/${damaged.json()[0].id}`, headers: owner.headers });
    expect(one.json()).toMatchObject({ reason: 'damage', quantityDelta: -1, stockOnHandAfter: 6 });
  });

  it('is append-only: PUT and DELETE do not exist', async () => {
    const variant = await createVariant(testApp.app, owner, productId, { stockOnHand: 3 });
    const [movement] = (await testApp.app.inject({ method: 'GET', url: `/api/admin/stock-movements?filter=${encodeURIComponent(JSON.stringify({ variantId: variant.id }))}`, headers: owner.headers })).json();
    for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
      const response = await testApp.app.inject({ method, url: `/api/admin/stock-movements/${movement.id}`, headers: owner.headers, payload: { quantityDelta: 100 } });
      expect(response.statusCode, method).toBe(404);
    }
    expect(await stockOf(variant.id)).toEqual({ stock_on_hand: 3, stock_reserved: 0, movements: 1, journalTotal: 3 });
  });
});
