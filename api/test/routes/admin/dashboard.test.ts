import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { createProduct, createShop, createVariant } from '../../helpers/catalog.ts';
import { checkout } from '../../helpers/orders.ts';
import { paidOrder, setPlatformFee, settledOrder } from '../../helpers/settled-orders.ts';
import { createGuestShopper, createOperator, type StoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/**
 * The dashboard over orders made through the product's own paths (checkout, card top-up, wallet
 * payment, refund, shipment, hand-over, receipt, settlement), for two merchants: each sees only its
 * own figures, the operator one merchant's or the platform's.
 */

let stripe: StripeTestApp;
let owner: StaffSession;
let stranger: StaffSession;
let operator: { authorization: string };
let shop: StoreFixture;
let emptyShopId: string;
let lowVariantId: string;
const today = new Date().toISOString().slice(0, 10);

async function dashboard(headers: Record<string, string>, query: Record<string, string> = {}, url = '/api/admin/dashboard') {
  const response = await stripe.testApp.app.inject({ method: 'GET', url: `${url}?${new URLSearchParams(query)}`, headers });
  return response;
}

async function storeOf(session: StaffSession, variants: { priceMinor: number; stockOnHand: number }[]): Promise<StoreFixture> {
  const { app } = stripe.testApp;
  const created = await createShop(app, session, { status: 'open' });
  const product = await createProduct(app, session, created.id, { title: 'Sencha' });
  const variantIds: string[] = [];
  for (const variant of variants) variantIds.push((await createVariant(app, session, product.id, variant)).id);
  return { shopId: created.id, slug: created.slug, productId: product.id, variantIds };
}

beforeAll(async () => {
  stripe = await buildStripeTestApp();
  const { app } = stripe.testApp;
  owner = await createMerchantWithStaff(app, 'owner');
  stranger = await createMerchantWithStaff(app, 'owner');
  operator = (await createOperator(app)).headers;
  await setPlatformFee(app, operator, owner.merchantId, 1_000);

  shop = await storeOf(owner, [
    { priceMinor: 10_00, stockOnHand: 50 },
    { priceMinor: 4_00, stockOnHand: 3 },
  ]);
  lowVariantId = shop.variantIds[1]!;
  emptyShopId = (await createShop(app, owner, { status: 'open' })).id;
  // A draft product's low stock is not the shop's problem yet.
  const draft = await createProduct(app, owner, shop.shopId, { title: 'Hojicha', status: 'draft' });
  await createVariant(app, owner, draft.id, { stockOnHand: 1 });

  // 1. Two units paid, then 5.00 refunded.
  const refunded = await paidOrder(stripe, { shop, quantity: 2 });
  const refund = await app.inject({
    method: 'POST',
    url: `/api/admin/orders/${refunded.order.id}/refunds`,
    headers: { ...owner.headers, 'idempotency-key': newId() },
    payload: { amountMinor: 5_00, reason: 'dented tin' },
  });
  expect(refund.statusCode).toBe(201);
  // 2. Paid, with a shipment waiting for its pick-up.
  const shipped = await paidOrder(stripe, { shop });
  const shipment = await app.inject({ method: 'POST', url: `/api/admin/orders/${shipped.order.id}/shipments`, headers: owner.headers, payload: { carrier: 'DHL', trackingNumber: `TRK${Date.now()}` } });
  expect(shipment.statusCode).toBe(201);
  // 3. Paid, handed over, confirmed and settled today at a 10% platform fee.
  await settledOrder(stripe, { merchant: owner, shop });
  // 4. Placed, not paid.
  expect((await checkout(app, await createGuestShopper(app), shop.slug, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 1 })).statusCode).toBe(201);

  // Another merchant's paid order, which A must never count.
  const strangerShop = await storeOf(stranger, [{ priceMinor: 7_00, stockOnHand: 2 }]);
  await paidOrder(stripe, { shop: strangerShop });
}, 120_000);
afterAll(() => stripe?.close());

describe("a merchant's dashboard", () => {
  it('sums revenue per day and currency over the paid orders, net of refunds', async () => {
    const response = await dashboard(owner.headers);
    expect(response.statusCode).toBe(200);
    expect(response.json().revenueByDay).toEqual([{ day: today, currency: 'EUR', orderCount: 3, grossMinor: 40_00, refundedMinor: 5_00, netMinor: 35_00 }]);
  });

  it('counts orders by status, the unpaid one included', async () => {
    const { ordersByStatus } = (await dashboard(owner.headers)).json();
    const counts = Object.fromEntries(ordersByStatus.map((row: { status: string; count: number }) => [row.status, row.count]));
    expect(counts).toMatchObject({ pending_payment: 1, partially_refunded: 1, completed: 1 });
    expect(Object.values(counts).reduce((sum: number, count) => sum + (count as number), 0)).toBe(4);
  });

  it('counts the shipments not yet picked up', async () => {
    const { shipmentsWaiting } = (await dashboard(owner.headers)).json();
    expect(shipmentsWaiting).toEqual({ count: 1, oldestCreatedAt: expect.stringMatching(new RegExp(`^${today}T`)) });
  });

  it('lists the variants of active products under the threshold', async () => {
    const { lowStock } = (await dashboard(owner.headers)).json();
    expect(lowStock).toEqual({ threshold: 5, count: 1, variants: [expect.objectContaining({ variantId: lowVariantId, productTitle: 'Sencha', stockAvailable: 3 })] });
    const higher = (await dashboard(owner.headers, { lowStockThreshold: '1000' })).json().lowStock;
    expect(higher.count).toBe(2);
    // 50 less the five units of the four orders (the unpaid one holds its unit reserved).
    expect(higher.variants.map((variant: { stockAvailable: number }) => variant.stockAvailable)).toEqual([3, 50 - 5]);
  });

  it("shows today's payments and the merchant's share of today's settlements", async () => {
    const { today: figures } = (await dashboard(owner.headers)).json();
    expect(figures).toEqual({
      day: today,
      payments: [{ currency: 'EUR', count: 3, amountMinor: 40_00 }],
      settlements: [{ currency: 'EUR', count: 1, amountMinor: 10_00 - 1_00 }],
    });
  });

  it('filters by shop, currency and period', async () => {
    const emptyShop = (await dashboard(owner.headers, { shopId: emptyShopId })).json();
    expect(emptyShop).toMatchObject({ revenueByDay: [], ordersByStatus: [], shipmentsWaiting: { count: 0, oldestCreatedAt: null }, lowStock: { count: 0 } });
    expect(emptyShop.today.payments).toEqual([]);
    expect((await dashboard(owner.headers, { currency: 'USD' })).json().revenueByDay).toEqual([]);
    const lastYear = (await dashboard(owner.headers, { from: '2025-01-01', to: '2025-02-01' })).json();
    expect(lastYear).toMatchObject({ from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z', revenueByDay: [], ordersByStatus: [] });
  });

  it('refuses a period that ends before it starts, or a date that is not one, naming the field', async () => {
    const backwards = await dashboard(owner.headers, { from: '2026-02-01', to: '2026-01-01' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors).toEqual({ to: 'must be after from' });
    const nonsense = await dashboard(owner.headers, { from: 'yesterday' });
    expect(nonsense.statusCode).toBe(400);
    expect(Object.keys(nonsense.json().errors)).toEqual(['from']);
    const impossible = await dashboard(owner.headers, { from: '2026-13-45' });
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json().errors).toEqual({ from: 'is not a real date' });
  });
});

describe('tenancy', () => {
  it("gives another merchant only its own figures, even when it names A's shop", async () => {
    const own = (await dashboard(stranger.headers)).json();
    expect(own.revenueByDay).toEqual([{ day: today, currency: 'EUR', orderCount: 1, grossMinor: 7_00, refundedMinor: 0, netMinor: 7_00 }]);
    const named = (await dashboard(stranger.headers, { shopId: shop.shopId })).json();
    expect(named).toMatchObject({ revenueByDay: [], ordersByStatus: [], shipmentsWaiting: { count: 0 }, lowStock: { count: 0 } });
  });

  it("gives the operator one merchant's figures, or the whole platform's", async () => {
    const merchantA = (await dashboard(operator, { merchantId: owner.merchantId }, '/api/admin/operator/dashboard')).json();
    expect(merchantA).toEqual((await dashboard(owner.headers)).json());
    const platform = (await dashboard(operator, {}, '/api/admin/operator/dashboard')).json();
    expect(platform.today.payments).toEqual([{ currency: 'EUR', count: 4, amountMinor: 47_00 }]);
  });

  it('refuses the operator route to a merchant owner', async () => {
    expect((await dashboard(owner.headers, {}, '/api/admin/operator/dashboard')).statusCode).toBe(403);
  });
});
