import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { createProduct, createShop, createVariant } from '../../helpers/catalog.ts';
import { checkout } from '../../helpers/orders.ts';
import { paidOrder, setPlatformFee, settledOrder } from '../../helpers/settled-orders.ts';
import { createGuestShopper, createOperator, type StoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/** The order page's other records in one call, for orders paid by wallet and by card through the store. */

let stripe: StripeTestApp;
let owner: StaffSession;
let shop: StoreFixture;

function related(session: StaffSession, orderId: string) {
  return stripe.testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${orderId}/related`, headers: session.headers });
}

beforeAll(async () => {
  stripe = await buildStripeTestApp();
  const { app } = stripe.testApp;
  owner = await createMerchantWithStaff(app, 'owner');
  await setPlatformFee(app, (await createOperator(app)).headers, owner.merchantId, 1_000);
  const created = await createShop(app, owner, { status: 'open' });
  const product = await createProduct(app, owner, created.id);
  const variant = await createVariant(app, owner, product.id, { priceMinor: 10_00, stockOnHand: 20 });
  shop = { shopId: created.id, slug: created.slug, productId: product.id, variantIds: [variant.id] };
}, 60_000);
afterAll(() => stripe?.close());

describe('GET /api/admin/orders/:id/related', () => {
  it('shows a wallet-paid, settled and partly refunded order: its payment and every ledger transfer, in sequence', async () => {
    const { app } = stripe.testApp;
    const settled = await settledOrder(stripe, { merchant: owner, shop });
    const refund = await app.inject({ method: 'POST', url: `/api/admin/orders/${settled.orderId}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload: { amountMinor: 2_00 } });
    expect(refund.statusCode).toBe(201);

    const response = await related(owner, settled.orderId);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.payments).toEqual([{ id: expect.any(String), method: 'wallet', status: 'succeeded', amountMinor: 10_00, currency: 'EUR', createdAt: expect.any(String) }]);
    const reasons = body.ledgerTransfers.map((transfer: { reason: string }) => transfer.reason);
    expect(reasons.slice(0, 3)).toEqual(['order_payment', 'settlement_net', 'settlement_fee']);
    expect(reasons.length).toBeGreaterThan(3);
    expect(body.ledgerTransfers[0]).toMatchObject({ amountMinor: 10_00, debitAccountKind: 'shopper_wallet', creditAccountKind: 'escrow' });
    const sequences = body.ledgerTransfers.map((transfer: { sequence: number }) => transfer.sequence);
    expect(sequences).toEqual([...sequences].sort((left, right) => left - right));
    expect(body.shipments).toEqual([]);
  });

  it("lists a card payment and the order's shipment", async () => {
    const { app } = stripe.testApp;
    const shopper = await createGuestShopper(app);
    const placed = (await checkout(app, shopper, shop.slug, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 1 })).json();
    const started = await app.inject({ method: 'POST', url: `/api/store/orders/${placed.id}/card-payment`, headers: shopper.headers });
    expect(started.statusCode).toBe(200);
    const webhook = await stripe.stripe.deliverWebhook('payment_intent.succeeded', stripe.stripe.succeedPaymentIntent(started.json().paymentIntentId), { url: stripe.webhookUrl });
    expect(webhook.statusCode).toBe(200);
    const shipment = await app.inject({ method: 'POST', url: `/api/admin/orders/${placed.id}/shipments`, headers: owner.headers, payload: { carrier: 'DHL', trackingNumber: `REL${Date.now()}` } });
    expect(shipment.statusCode).toBe(201);

    const body = (await related(owner, placed.id)).json();
    expect(body.payments).toEqual([expect.objectContaining({ method: 'card', status: 'succeeded', amountMinor: 10_00, currency: 'EUR' })]);
    expect(body.ledgerTransfers.map((transfer: { reason: string; debitAccountKind: string }) => [transfer.reason, transfer.debitAccountKind])).toEqual([['order_payment', 'card_clearing']]);
    expect(body.shipments).toEqual([expect.objectContaining({ id: shipment.json().id, carrier: 'DHL', status: 'label_created' })]);
  });

  it('shows an unpaid order with nothing yet', async () => {
    const placed = (await checkout(stripe.testApp.app, await createGuestShopper(stripe.testApp.app), shop.slug, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 1 })).json();
    expect((await related(owner, placed.id)).json()).toEqual({ payments: [], ledgerTransfers: [], shipments: [] });
  });

  it("answers another merchant's order as not found, like an unknown id", async () => {
    const { order } = await paidOrder(stripe, { shop });
    const stranger = await createMerchantWithStaff(stripe.testApp.app, 'owner');
    const theirs = await related(stranger, order.id);
    const unknown = await related(owner, newId());
    expect(theirs.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(theirs.json().code).toBe(unknown.json().code);
  });
});
