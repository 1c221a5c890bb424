import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, ledgerLegs, type StripeTestApp } from '../helpers/card-payments.ts';
import { checkout, escrowBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

let context: StripeTestApp;
let owner: StaffSession;
let shop: StoreFixture;

const app = () => context.testApp.app;

beforeAll(async () => {
  context = await buildStripeTestApp();
  owner = await createMerchantWithStaff(app(), 'owner');
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 2500, stockOnHand: 100 }] });
  const configured = await app().inject({
    method: 'PUT',
    url: `/api/admin/shops/${shop.shopId}`,
    headers: owner.headers,
    payload: { fulfilmentMethods: ['delivery', 'pickup'], delivery: { fee: { kind: 'flat', feeMinor: 390 } } },
  });
  expect(configured.statusCode, configured.body).toBe(200);
});
afterAll(async () => {
  await assertLedgerInvariants(context.testApp.database);
  await context.close();
});

const address = { recipient: 'Ada Lovelace', phone: '+44 20 7946 0000', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

describe('a delivery order paid by card', () => {
  it('asks the card processor for goods plus fee, puts all of it in escrow, and refunds the fee with the rest', async () => {
    const shopper = await createGuestShopper(app());
    const placed = await checkout(app(), shopper, shop.slug, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 2, address });
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    expect(order).toMatchObject({ subtotalMinor: 5000, deliveryFeeMinor: 390, totalMinor: 5390 });

    context.stripe.clearRequests();
    const started = await app().inject({ method: 'POST', url: `/api/store/orders/${order.id}/card-payment`, headers: shopper.headers });
    expect(started.statusCode, started.body).toBe(200);
    expect(context.stripe.requestsTo('POST', '/v1/payment_intents')).toEqual([expect.objectContaining({ parameters: expect.objectContaining({ amount: '5390' }) })]);

    const escrowBefore = await escrowBalanceMinor(app());
    const succeeded = await context.stripe.deliverWebhook('payment_intent.succeeded', context.stripe.succeedPaymentIntent(started.json().paymentIntentId), { url: context.webhookUrl });
    expect(succeeded.statusCode).toBe(200);
    const paid = await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}`, headers: shopper.headers });
    expect(paid.json()).toMatchObject({ status: 'paid', paymentMethod: 'card', totalMinor: 5390 });
    expect((await escrowBalanceMinor(app())) - escrowBefore).toBe(5390);
    expect(await ledgerLegs(app(), order.id)).toEqual([expect.objectContaining({ reason: 'order_payment', amountMinor: 5390, direction: 'card_clearing -> escrow' })]);

    context.stripe.clearRequests();
    const refund = await app().inject({ method: 'POST', url: `/api/admin/orders/${order.id}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload: {} });
    expect(refund.statusCode, refund.body).toBe(201);
    expect(refund.json().refunds).toEqual([expect.objectContaining({ method: 'card', amountMinor: 5390 })]);
  });
});
