import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { addProduct, createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../../helpers/shoppers.ts';
import { moveStock } from '../../helpers/catalog.ts';
import { reserveByAnotherShopper } from '../../helpers/orders.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let merchantId: string;
let owner: StaffSession;
let shop: StoreFixture;
let shopper: ShopperSession;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  merchantId = owner.merchantId;
  shop = await createStoreFixture(testApp.app, merchantId, {
    slug: 'tea-house',
    variants: [
      { priceMinor: 1299, stockOnHand: 10, title: '100 g' },
      { priceMinor: 2450, stockOnHand: 3, title: '250 g' },
    ],
  });
  shopper = await createGuestShopper(testApp.app);
  // One of the three 250 g bags is held by another shopper's unpaid order: two are available.
  await reserveByAnotherShopper(testApp.app, shop.slug, shop.variantIds[1]!, 1);
});
afterAll(() => testApp.close());

/** A console call as the shop's owner; answers the response after checking its status. */
async function asOwner(method: 'PUT' | 'DELETE', url: string, payload: object | undefined, status: number) {
  const response = await testApp.app.inject({ method, url, headers: owner.headers, ...(payload ? { payload } : {}) });
  expect(response.statusCode, response.body).toBe(status);
  return response;
}

const cartUrl = (slug = shop.slug) => `/api/store/shops/${slug}/cart`;
const lineUrl = (variantId: string, slug = shop.slug) => `${cartUrl(slug)}/lines/${variantId}`;

function setQuantity(session: ShopperSession, variantId: string, quantity: unknown, slug = shop.slug) {
  return testApp.app.inject({ method: 'PUT', url: lineUrl(variantId, slug), headers: session.headers, payload: { quantity } });
}

async function linesOf(session: ShopperSession): Promise<{ variant_id: string; quantity: number }[]> {
  const { rows } = await testApp.database.pool.query(
    'select line.variant_id, line.quantity from cart_line line join cart on cart.id = line.cart_id where cart.shopper_id = $1 order by line.created_at',
    [session.shopperId],
  );
  return rows;
}

describe('GET /api/store/shops/:slug/cart', () => {
  it('creates an empty cart on first sight and answers the same cart afterwards', async () => {
    const first = await testApp.app.inject({ method: 'GET', url: cartUrl(), headers: shopper.headers });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ shopSlug: 'tea-house', currency: 'EUR', lines: [], itemCount: 0, totalMinor: 0, hasProblems: false });
    const again = await testApp.app.inject({ method: 'GET', url: cartUrl(), headers: shopper.headers });
    expect(again.json().id).toBe(first.json().id);
    const { rows } = await testApp.database.pool.query('select shop_id, merchant_id from cart where shopper_id = $1', [shopper.shopperId]);
    expect(rows).toEqual([{ shop_id: shop.shopId, merchant_id: merchantId }]);
  });

  it('answers 404 for an unknown or closed shop and creates no cart', async () => {
    const closed = await createStoreFixture(testApp.app, merchantId, { shopStatus: 'closed' });
    for (const slug of ['no-such-shop', closed.slug]) {
      const response = await testApp.app.inject({ method: 'GET', url: cartUrl(slug), headers: shopper.headers });
      expect(response.statusCode, slug).toBe(404);
      expect(response.json().code).toBe('shop_not_found');
    }
    const { rows } = await testApp.database.pool.query('select count(*)::int as count from cart where shop_id = $1', [closed.shopId]);
    expect(rows[0].count).toBe(0);
  });

  it('requires a shopper session: none or a staff token is 401', async () => {
    const owner = await createMerchantWithStaff(testApp.app, 'owner', merchantId);
    expect((await testApp.app.inject({ method: 'GET', url: cartUrl() })).statusCode).toBe(401);
    const staff = await testApp.app.inject({ method: 'GET', url: cartUrl(), headers: owner.headers });
    expect(staff.statusCode).toBe(401);
    expect(staff.json().code).toBe('invalid_shopper_token');
  });
});

describe('PUT /api/store/shops/:slug/cart/lines/:variantId', () => {
  it('sets a line and prices it from the catalog, ignoring any price the client sends', async () => {
    const [small, large] = shop.variantIds as [string, string];
    const response = await testApp.app.inject({ method: 'PUT', url: lineUrl(small), headers: shopper.headers, payload: { quantity: 2, unitPriceMinor: 1 } });
    expect(response.statusCode).toBe(200);
    await setQuantity(shopper, large, 1);
    const cart = (await setQuantity(shopper, small, 3)).json();
    expect(cart.lines).toEqual([
      {
        variantId: small,
        productId: shop.productId,
        productTitle: 'Jasmine Tea',
        variantTitle: '100 g',
        sku: expect.stringMatching(/^SKU-/),
        unitPriceMinor: 1299,
        quantity: 3,
        lineTotalMinor: 3897,
        availableQuantity: 10,
        problem: null,
      },
      expect.objectContaining({ variantId: large, unitPriceMinor: 2450, quantity: 1, lineTotalMinor: 2450, availableQuantity: 2, problem: null }),
    ]);
    expect(cart).toMatchObject({ itemCount: 4, totalMinor: 6347, hasProblems: false });
  });

  it('shows catalog price changes at once: the cart stores no prices', async () => {
    const [small] = shop.variantIds as [string];
    await asOwner('PUT', `/api/admin/variants/${small}`, { priceMinor: 1500 }, 200);
    const cart = (await testApp.app.inject({ method: 'GET', url: cartUrl(), headers: shopper.headers })).json();
    expect(cart.lines[0]).toMatchObject({ unitPriceMinor: 1500, lineTotalMinor: 4500 });
    expect(cart.totalMinor).toBe(4500 + 2450);
    await asOwner('PUT', `/api/admin/variants/${small}`, { priceMinor: 1299 }, 200);
  });

  it('refuses quantities outside 0..99 and non-integers with 400 naming quantity, changing nothing', async () => {
    const before = await linesOf(shopper);
    for (const quantity of [100, -1, 1.5, 'two', [1, 2]]) {
      const response = await setQuantity(shopper, shop.variantIds[0]!, quantity);
      expect(response.statusCode, String(quantity)).toBe(400);
      expect(Object.keys(response.json().errors), String(quantity)).toEqual(['quantity']);
    }
    const malformed = await setQuantity(shopper, 'not-a-uuid', 1);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors).toHaveProperty('variantId');
    expect(await linesOf(shopper)).toEqual(before);
  });

  it('refuses with 404 naming variantId a variant not sold in this shop: unknown, of another shop, merchant or a draft product', async () => {
    const sameMerchantOtherShop = await createStoreFixture(testApp.app, merchantId);
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    const otherMerchantShop = await createStoreFixture(testApp.app, stranger.merchantId);
    const draftProductId = await addProduct(testApp.app, merchantId, shop.shopId, { productStatus: 'draft', title: 'Secret Blend' });
    const { rows } = await testApp.database.pool.query<{ id: string }>('select id from variant where product_id = $1', [draftProductId]);
    const before = await linesOf(shopper);
    for (const variantId of [newId(), sameMerchantOtherShop.variantIds[0]!, otherMerchantShop.variantIds[0]!, rows[0]!.id]) {
      const response = await setQuantity(shopper, variantId, 1);
      expect(response.statusCode, variantId).toBe(404);
      expect(response.json()).toMatchObject({ code: 'variant_not_found', errors: { variantId: 'is not sold in this shop' } });
    }
    expect(await linesOf(shopper)).toEqual(before);
  });

  it('refuses more than is available with 422 insufficient_stock, but always lets a line shrink', async () => {
    const large = shop.variantIds[1]!;
    const before = await linesOf(shopper);
    const response = await setQuantity(shopper, large, 3);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'insufficient_stock', errors: { quantity: 'only 2 available' } });
    expect(await linesOf(shopper)).toEqual(before);

    expect((await setQuantity(shopper, large, 2)).statusCode).toBe(200);
    const reservation = await reserveByAnotherShopper(testApp.app, shop.slug, large, 1);
    const shrunk = await setQuantity(shopper, large, 1);
    expect(shrunk.statusCode).toBe(200);
    expect(shrunk.json().lines[1]).toMatchObject({ quantity: 1, availableQuantity: 1, problem: null });
    await reservation.cancel();
  });

  it('refuses a line whose total would leave the safe integer range', async () => {
    const productId = await addProduct(testApp.app, merchantId, shop.shopId, { title: 'Priceless', variants: [{ priceMinor: Number.MAX_SAFE_INTEGER - 1, stockOnHand: 5 }] });
    const { rows } = await testApp.database.pool.query<{ id: string }>('select id from variant where product_id = $1', [productId]);
    const guest = await createGuestShopper(testApp.app);
    const response = await setQuantity(guest, rows[0]!.id, 2);
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('amount_too_large');
    expect(await linesOf(guest)).toEqual([]);
    await asOwner('DELETE', `/api/admin/products/${productId}`, undefined, 200);
  });

  it('refuses a line that would take the whole cart beyond the safe integer range, keeping the lines it has', async () => {
    const half = Math.floor(Number.MAX_SAFE_INTEGER / 2) + 1;
    const productId = await addProduct(testApp.app, merchantId, shop.shopId, { title: 'Two halves', variants: [{ priceMinor: half, stockOnHand: 5 }, { priceMinor: half, stockOnHand: 5 }] });
    const { rows } = await testApp.database.pool.query<{ id: string }>('select id from variant where product_id = $1 order by position, id', [productId]);
    const guest = await createGuestShopper(testApp.app);
    expect((await setQuantity(guest, rows[0]!.id, 1)).statusCode).toBe(200);
    const before = await linesOf(guest);
    const response = await setQuantity(guest, rows[1]!.id, 1);
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('amount_too_large');
    expect(await linesOf(guest)).toEqual(before);
    await asOwner('DELETE', `/api/admin/products/${productId}`, undefined, 200);
  });
});

describe('line problems', () => {
  it('flags lines the catalog no longer supports: inactive product, no stock, too little stock', async () => {
    const fixture = await createStoreFixture(testApp.app, merchantId, {
      variants: [
        { priceMinor: 100, stockOnHand: 5 },
        { priceMinor: 200, stockOnHand: 5 },
        { priceMinor: 300, stockOnHand: 5 },
      ],
    });
    const otherProductId = await addProduct(testApp.app, merchantId, fixture.shopId, { variants: [{ priceMinor: 400, stockOnHand: 5 }] });
    const { rows } = await testApp.database.pool.query<{ id: string }>('select id from variant where product_id = $1', [otherProductId]);
    const guest = await createGuestShopper(testApp.app);
    const [healthy, soldOut, scarce] = fixture.variantIds as [string, string, string];
    const archived = rows[0]!.id;
    for (const variantId of [healthy, soldOut, scarce, archived]) expect((await setQuantity(guest, variantId, 3, fixture.slug)).statusCode).toBe(200);

    await reserveByAnotherShopper(testApp.app, fixture.slug, soldOut, 5);
    expect((await moveStock(testApp.app, owner, scarce, -3, 'damage')).statusCode).toBe(201);
    await asOwner('PUT', `/api/admin/products/${otherProductId}`, { status: 'archived' }, 200);

    const cart = (await testApp.app.inject({ method: 'GET', url: cartUrl(fixture.slug), headers: guest.headers })).json();
    expect(cart.lines.map((line: { problem: string | null; availableQuantity: number }) => [line.problem, line.availableQuantity])).toEqual([
      [null, 5],
      ['unavailable', 0],
      ['insufficient_stock', 2],
      ['product_inactive', 5],
    ]);
    expect(cart).toMatchObject({ hasProblems: true, itemCount: 12, totalMinor: 3 * (100 + 200 + 300 + 400) });
  });

  it('drops a line whose variant is deleted from the catalog', async () => {
    const fixture = await createStoreFixture(testApp.app, merchantId);
    const guest = await createGuestShopper(testApp.app);
    await setQuantity(guest, fixture.variantIds[0]!, 1, fixture.slug);
    await asOwner('DELETE', `/api/admin/variants/${fixture.variantIds[0]}`, undefined, 200);
    const cart = (await testApp.app.inject({ method: 'GET', url: cartUrl(fixture.slug), headers: guest.headers })).json();
    expect(cart.lines).toEqual([]);
  });
});

describe('the line limit', () => {
  it('holds at most 50 lines, also when many are added at once', async () => {
    const variants = Array.from({ length: 55 }, () => ({ priceMinor: 100, stockOnHand: 5 }));
    const fixture = await createStoreFixture(testApp.app, merchantId, { variants });
    const guest = await createGuestShopper(testApp.app);
    for (const variantId of fixture.variantIds.slice(0, 47)) expect((await setQuantity(guest, variantId, 1, fixture.slug)).statusCode).toBe(200);

    const racing = await Promise.all(fixture.variantIds.slice(47, 55).map((variantId) => setQuantity(guest, variantId, 1, fixture.slug)));
    expect(racing.filter((response) => response.statusCode === 200)).toHaveLength(3);
    const refused = racing.filter((response) => response.statusCode !== 200);
    expect(refused.map((response) => [response.statusCode, response.json().code])).toEqual(Array(5).fill([422, 'cart_full']));
    expect(await linesOf(guest)).toHaveLength(50);

    const changeExisting = await setQuantity(guest, fixture.variantIds[0]!, 4, fixture.slug);
    expect(changeExisting.statusCode).toBe(200);
    expect(changeExisting.json().itemCount).toBe(53);
  });
});

describe('removing lines', () => {
  it('removes a line with quantity 0 or DELETE, and empties the cart with DELETE', async () => {
    const fixture = await createStoreFixture(testApp.app, merchantId, { variants: [{ priceMinor: 100, stockOnHand: 5 }, { priceMinor: 200, stockOnHand: 5 }, { priceMinor: 300, stockOnHand: 5 }] });
    const guest = await createGuestShopper(testApp.app);
    const [first, second, third] = fixture.variantIds as [string, string, string];
    for (const variantId of fixture.variantIds) await setQuantity(guest, variantId, 2, fixture.slug);

    const zero = await setQuantity(guest, first, 0, fixture.slug);
    expect(zero.statusCode).toBe(200);
    expect(zero.json().lines.map((line: { variantId: string }) => line.variantId)).toEqual([second, third]);

    const deleted = await testApp.app.inject({ method: 'DELETE', url: lineUrl(second, fixture.slug), headers: guest.headers });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ itemCount: 2, totalMinor: 600 });

    const again = await testApp.app.inject({ method: 'DELETE', url: lineUrl(second, fixture.slug), headers: guest.headers });
    expect(again.statusCode).toBe(200);

    const cleared = await testApp.app.inject({ method: 'DELETE', url: cartUrl(fixture.slug), headers: guest.headers });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({ lines: [], itemCount: 0, totalMinor: 0 });
    expect(await linesOf(guest)).toEqual([]);
  });

  it('needs a session for every write', async () => {
    const before = await linesOf(shopper);
    expect((await testApp.app.inject({ method: 'PUT', url: lineUrl(shop.variantIds[0]!), payload: { quantity: 1 } })).statusCode).toBe(401);
    expect((await testApp.app.inject({ method: 'DELETE', url: lineUrl(shop.variantIds[0]!) })).statusCode).toBe(401);
    expect((await testApp.app.inject({ method: 'DELETE', url: cartUrl() })).statusCode).toBe(401);
    // Authentication comes before validation: without a session, a bad body is still a 401.
    expect((await testApp.app.inject({ method: 'PUT', url: lineUrl(shop.variantIds[0]!), payload: { quantity: 'many' } })).statusCode).toBe(401);
    expect(await linesOf(shopper)).toEqual(before);
  });
});

describe('whose cart', () => {
  it('keeps one cart per shopper and shop, and the same device finds its cart again after a reload', async () => {
    const deviceId = 'device-of-a-returning-guest-0001';
    const guest = await createGuestShopper(testApp.app, deviceId);
    await setQuantity(guest, shop.variantIds[0]!, 2);
    const other = await createGuestShopper(testApp.app);
    const othersCart = (await testApp.app.inject({ method: 'GET', url: cartUrl(), headers: other.headers })).json();
    expect(othersCart.lines).toEqual([]);

    const otherShop = await createStoreFixture(testApp.app, merchantId);
    const elsewhere = (await testApp.app.inject({ method: 'GET', url: cartUrl(otherShop.slug), headers: guest.headers })).json();
    expect(elsewhere.lines).toEqual([]);

    const reloaded = await createGuestShopper(testApp.app, deviceId);
    const cart = (await testApp.app.inject({ method: 'GET', url: cartUrl(), headers: reloaded.headers })).json();
    expect(cart.lines).toEqual([expect.objectContaining({ variantId: shop.variantIds[0], quantity: 2 })]);
  });
});
