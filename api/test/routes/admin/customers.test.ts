import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { createProduct, createShop, createVariant } from '../../helpers/catalog.ts';
import { checkout } from '../../helpers/orders.ts';
import { paidOrder } from '../../helpers/settled-orders.ts';
import { createGuestShopper, type ShopperSession, type StoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/** Customers are derived from orders placed through the store: two merchants share a shopper. */

let stripe: StripeTestApp;
let owner: StaffSession;
let stranger: StaffSession;
let regular: ShopperSession;
let browser: ShopperSession;
let outsider: ShopperSession;
let shop: StoreFixture;
let otherShopId: string;

async function storeOf(session: StaffSession, priceMinor: number): Promise<StoreFixture> {
  const { app } = stripe.testApp;
  const created = await createShop(app, session, { status: 'open' });
  const product = await createProduct(app, session, created.id);
  const variant = await createVariant(app, session, product.id, { priceMinor, stockOnHand: 20 });
  return { shopId: created.id, slug: created.slug, productId: product.id, variantIds: [variant.id] };
}

function list(session: StaffSession, query: Record<string, unknown> = {}) {
  const parameters = new URLSearchParams(Object.entries(query).map(([name, value]) => [name, JSON.stringify(value)]));
  return stripe.testApp.app.inject({ method: 'GET', url: `/api/admin/customers?${parameters}`, headers: session.headers });
}

beforeAll(async () => {
  stripe = await buildStripeTestApp();
  const { app } = stripe.testApp;
  owner = await createMerchantWithStaff(app, 'owner');
  stranger = await createMerchantWithStaff(app, 'owner');
  shop = await storeOf(owner, 10_00);
  otherShopId = (await storeOf(owner, 1_00)).shopId;
  const strangerShop = await storeOf(stranger, 7_00);
  [regular, browser, outsider] = [await createGuestShopper(app), await createGuestShopper(app), await createGuestShopper(app)];

  // The regular pays twice (one and two units) and gets 5.00 back; the browser only checks out.
  await paidOrder(stripe, { shop, shopper: regular });
  const second = await paidOrder(stripe, { shop, shopper: regular, quantity: 2 });
  const refund = await app.inject({ method: 'POST', url: `/api/admin/orders/${second.order.id}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload: { amountMinor: 5_00 } });
  expect(refund.statusCode).toBe(201);
  expect((await checkout(app, browser, shop.slug, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 1 })).statusCode).toBe(201);
  // The regular also buys from the stranger; the outsider only from the stranger.
  await paidOrder(stripe, { shop: strangerShop, shopper: regular });
  await paidOrder(stripe, { shop: strangerShop, shopper: outsider });
}, 120_000);
afterAll(() => stripe?.close());

describe('GET /api/admin/customers', () => {
  it('lists the shoppers who ordered here, with order counts, net spending and last order, most recent first', async () => {
    const response = await list(owner);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-range']).toBe('customers 0-1/2');
    expect(response.json()).toEqual([
      expect.objectContaining({ id: browser.shopperId, orderCount: 1, paidOrderCount: 0, totalSpentMinor: 0, currency: 'EUR' }),
      expect.objectContaining({
        id: regular.shopperId,
        orderCount: 2,
        paidOrderCount: 2,
        totalSpentMinor: 30_00 - 5_00,
        currency: 'EUR',
        spentByCurrency: [{ currency: 'EUR', amountMinor: 25_00 }],
        displayName: expect.any(String),
      }),
    ]);
  });

  it("counts only this merchant's orders: the other merchant sees its own two customers and amounts", async () => {
    const theirs = (await list(stranger)).json();
    expect(theirs.map((customer: { id: string }) => customer.id).sort()).toEqual([regular.shopperId, outsider.shopperId].sort());
    expect(theirs.find((customer: { id: string }) => customer.id === regular.shopperId)).toMatchObject({ orderCount: 1, totalSpentMinor: 7_00 });
  });

  it('sorts, pages, filters by id, shop and name, as react-admin asks', async () => {
    expect((await list(owner, { sort: ['totalSpentMinor', 'DESC'], range: [0, 0] })).json().map((customer: { id: string }) => customer.id)).toEqual([regular.shopperId]);
    const second = await list(owner, { sort: ['totalSpentMinor', 'DESC'], range: [1, 1] });
    expect(second.headers['content-range']).toBe('customers 1-1/2');
    expect(second.json().map((customer: { id: string }) => customer.id)).toEqual([browser.shopperId]);
    expect((await list(owner, { filter: { id: [browser.shopperId, outsider.shopperId] } })).json().map((customer: { id: string }) => customer.id)).toEqual([browser.shopperId]);
    expect((await list(owner, { filter: { shopId: otherShopId } })).json()).toEqual([]);
    expect((await list(owner, { filter: { q: 'zz-nobody-zz' } })).headers['content-range']).toBe('customers */0');
    const named = (await list(owner)).json()[1].displayName as string;
    expect((await list(owner, { filter: { q: named.slice(0, 5) } })).json().length).toBeGreaterThan(0);
  });

  it('refuses an unknown sort field or filter, naming it', async () => {
    const sort = await list(owner, { sort: ['email', 'ASC'] });
    expect(sort.statusCode).toBe(400);
    expect(Object.keys(sort.json().errors)).toEqual(['sort']);
    const filter = await list(owner, { filter: { email: 'x' } });
    expect(filter.statusCode).toBe(400);
    expect(Object.keys(filter.json().errors)).toEqual(['filter.email']);
  });
});

describe('GET /api/admin/customers/:id', () => {
  it('shows a customer', async () => {
    const response = await stripe.testApp.app.inject({ method: 'GET', url: `/api/admin/customers/${regular.shopperId}`, headers: owner.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: regular.shopperId, orderCount: 2, totalSpentMinor: 25_00 });
  });

  it("answers 404 for a shopper who only bought from another merchant, as for an unknown id", async () => {
    const outsiderAnswer = await stripe.testApp.app.inject({ method: 'GET', url: `/api/admin/customers/${outsider.shopperId}`, headers: owner.headers });
    const unknown = await stripe.testApp.app.inject({ method: 'GET', url: `/api/admin/customers/${newId()}`, headers: owner.headers });
    expect(outsiderAnswer.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(outsiderAnswer.json().code).toBe(unknown.json().code);
  });
});
