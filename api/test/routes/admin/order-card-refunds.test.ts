import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../../db/src/actor.ts';
import { lockOrderWithLines, recordTransition } from '../../../../db/src/modules/orders/order-records.ts';
import { commitStock } from '../../../../db/src/modules/orders/stock-reservations.ts';
import { withPoolTransaction } from '../../../../db/src/pool-transaction.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { startFakeStripeServer, type FakeStripeServer } from '../../../../db/src/testing/stripe-server/stripe-server.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { checkout, stockOf } from '../../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/**
 * Refunds of card money: the refund is recorded at once and left `pending`; the `order.card_refund` job
 * asks the (fake) Stripe for the refund, once, then reverses the payment in the ledger.
 */
let stripe: FakeStripeServer;
let testApp: TestApp;
let owner: StaffSession;
let shop: StoreFixture;
let shopper: ShopperSession;
const WEBHOOK: Actor = { type: 'system', process: 'stripe-webhook' };

beforeAll(async () => {
  stripe = await startFakeStripeServer();
  testApp = await buildTestApp({ STRIPE_API_URL: stripe.url });
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 2_000, stockOnHand: 50 }] });
  shopper = await createGuestShopper(testApp.app);
});
afterAll(async () => {
  await assertLedgerInvariants(testApp.database);
  await testApp.close();
  await stripe.close();
});

/** An order paid by card, as the Stripe webhook leaves it: card clearing -> escrow, stock sold, `paid`. */
async function cardPaidOrder(quantity: number): Promise<{ id: string; paymentIntentId: string; totalMinor: number }> {
  const order = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: shop.variantIds[0], quantity })).json();
  const { services } = testApp.app;
  const intent = await services.payments.gateway.createPaymentIntent({ amountMinor: order.totalMinor, currency: 'EUR', idempotencyKey: `order:${order.id}` });
  stripe.succeedPaymentIntent(intent.id);
  const legs = await services.ledger.recipes.cardPayment({ eventId: order.id, orderId: order.id, currency: 'EUR', amountMinor: order.totalMinor, paymentIntentId: intent.id });
  await withPoolTransaction(testApp.database.pool, async (client) => {
    const locked = await lockOrderWithLines(client, order.id, {});
    if (!locked) throw new Error('order vanished');
    const { lines, ...unpaid } = locked;
    await commitStock(client, unpaid.merchantId, lines, WEBHOOK, `order #${unpaid.number}`);
    await recordTransition(client, unpaid, 'paid', WEBHOOK, { paymentMethod: 'card', paymentTransferId: legs[0]!.id, paymentIntentId: intent.id });
    await services.ledger.recordInTransaction(client, legs);
  });
  return { id: order.id, paymentIntentId: intent.id, totalMinor: order.totalMinor };
}

async function cardClearingBalanceMinor(): Promise<number> {
  const { rows } = await testApp.database.pool.query<{ balance: number }>(`select debits_posted - credits_posted as balance from ledger_account where kind = 'card_clearing' and currency = 'EUR'`);
  return rows[0]?.balance ?? 0;
}

describe('refunding card money', () => {
  it('records the refund pending with its job, then the job refunds at Stripe once and reverses the payment in the ledger', async () => {
    const order = await cardPaidOrder(2);
    const clearingBefore = await cardClearingBalanceMinor();
    const response = await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/refunds`, headers: owner.headers, payload: { amountMinor: 1_500, reason: 'late delivery' } });
    expect(response.statusCode).toBe(201);
    const refund = response.json().refunds[0];
    expect(response.json()).toMatchObject({ status: 'partially_refunded', refundedMinor: 1_500 });
    expect(refund).toMatchObject({ amountMinor: 1_500, method: 'card', status: 'pending' });
    const { rows: outbox } = await testApp.database.pool.query(`select jobs from outbox where type = 'order_refund.created' and aggregate_id = $1`, [order.id]);
    expect(outbox).toEqual([{ jobs: [{ name: 'order.card_refund', key: refund.id, payload: { refundId: refund.id }, runAt: null }] }]);
    // Nothing has reached Stripe or the ledger yet.
    expect(stripe.requestsTo('POST', '/v1/refunds')).toHaveLength(0);
    expect(await cardClearingBalanceMinor()).toBe(clearingBefore);

    expect(await testApp.app.services.orders.completeCardRefund(refund.id)).toEqual({ status: 'succeeded' });
    expect(await testApp.app.services.orders.completeCardRefund(refund.id)).toEqual({ status: 'unchanged' });
    const sent = stripe.requestsTo('POST', '/v1/refunds');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ idempotencyKey: `order_refund:${refund.id}`, parameters: { payment_intent: order.paymentIntentId, amount: '1500' } });
    const detail = (await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${order.id}`, headers: owner.headers })).json();
    expect(detail.refunds[0]).toMatchObject({ status: 'succeeded' });
    const { rows } = await testApp.database.pool.query(`select external_reference from order_refund where id = $1`, [refund.id]);
    expect(rows[0].external_reference).toMatch(/^re_/);
    expect(await cardClearingBalanceMinor()).toBe(clearingBefore - 1_500);
  });

  it('cancels a card-paid order before shipping: restocked at once, the card refunded by the job', async () => {
    const order = await cardPaidOrder(3);
    const stockBefore = await stockOf(testApp.app, shop.variantIds[0] as string);
    const response = await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/cancel`, headers: owner.headers, payload: {} });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'cancelled', refundedMinor: 6_000, refunds: [expect.objectContaining({ method: 'card', status: 'pending', restocked: true })] });
    expect(await stockOf(testApp.app, shop.variantIds[0] as string)).toEqual({ onHand: stockBefore.onHand + 3, reserved: stockBefore.reserved });
    expect(await testApp.app.services.orders.completeCardRefund(response.json().refunds[0].id)).toEqual({ status: 'succeeded' });
  });

  it('marks the refund failed when Stripe refuses it for good, moving no money in the ledger', async () => {
    const order = await cardPaidOrder(1);
    const response = await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/refunds`, headers: owner.headers, payload: {} });
    const refundId = response.json().refunds[0].id;
    // Someone refunded the whole payment in Stripe's dashboard meanwhile.
    await testApp.app.services.payments.gateway.refund({ paymentIntentId: order.paymentIntentId, idempotencyKey: `dashboard:${order.id}` });
    const clearingBefore = await cardClearingBalanceMinor();
    expect(await testApp.app.services.orders.completeCardRefund(refundId)).toEqual({ status: 'failed' });
    const { rows } = await testApp.database.pool.query(`select status from order_refund where id = $1`, [refundId]);
    expect(rows[0].status).toBe('failed');
    expect(await cardClearingBalanceMinor()).toBe(clearingBefore);
  });
});
