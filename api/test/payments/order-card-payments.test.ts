import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, ledgerLegs, outboxTypes, type StripeTestApp } from '../helpers/card-payments.ts';
import { checkout, escrowBalanceMinor, fundWallet, pay, stockOf } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

let context: StripeTestApp;
let owner: StaffSession;
let shop: StoreFixture;

const app = () => context.testApp.app;
const variantId = () => shop.variantIds[0] as string;

beforeAll(async () => {
  context = await buildStripeTestApp();
  owner = await createMerchantWithStaff(app(), 'owner');
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 2500, stockOnHand: 100 }] });
});
afterEach(() => assertLedgerInvariants(context.testApp.database));
afterAll(() => context.close());

async function placeOrder(shopper: ShopperSession, quantity = 1): Promise<{ id: string; totalMinor: number }> {
  const response = await checkout(app(), shopper, shop.slug, { source: 'buy_now', variantId: variantId(), quantity });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

function startCardPayment(shopper: ShopperSession, orderId: string) {
  return app().inject({ method: 'POST', url: `/api/store/orders/${orderId}/card-payment`, headers: shopper.headers });
}

async function startedCardPayment(shopper: ShopperSession, orderId: string): Promise<{ paymentIntentId: string; clientSecret: string }> {
  const response = await startCardPayment(shopper, orderId);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function orderRow(orderId: string) {
  const { rows } = await app().database.pool.query(
    `select status, payment_method as "paymentMethod", payment_intent_id as "paymentIntentId", payment_transfer_id as "paymentTransferId"
       from shop_order where id = $1`,
    [orderId],
  );
  return rows[0];
}

const deliver = (type: string, object: unknown, createdSeconds?: number) =>
  context.stripe.deliverWebhook(type, object, { url: context.webhookUrl, ...(createdSeconds === undefined ? {} : { createdSeconds }) });

async function paidByCard(shopper: ShopperSession) {
  const order = await placeOrder(shopper);
  const { paymentIntentId } = await startedCardPayment(shopper, order.id);
  const delivery = await deliver('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId));
  expect(delivery.statusCode).toBe(200);
  return { order, paymentIntentId };
}

describe('starting a card payment (POST /api/store/orders/:id/card-payment)', () => {
  it('creates a payment intent through the Stripe SDK keyed order:<id>, and answers the same intent when asked again', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper, 2);
    context.stripe.clearRequests();

    const first = await startCardPayment(shopper, order.id);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ orderId: order.id, paymentIntentId: expect.stringMatching(/^pi_/), clientSecret: expect.stringContaining('_secret_'), status: 'pending' });
    const [created] = context.stripe.requestsTo('POST', '/v1/payment_intents');
    expect(created).toMatchObject({ idempotencyKey: `order:${order.id}`, parameters: { amount: '5000', currency: 'eur', metadata: { purpose: 'order', reference_id: order.id } } });

    const second = await startCardPayment(shopper, order.id);
    expect(second.json().paymentIntentId).toBe(first.json().paymentIntentId);
    expect(context.stripe.requestsTo('POST', '/v1/payment_intents')).toHaveLength(1);
    expect(await orderRow(order.id)).toMatchObject({ status: 'pending_payment', paymentMethod: null });
    expect(await ledgerLegs(app(), order.id)).toEqual([]);
  });

  it("refuses another shopper's order and an unknown one (404) and a paid one (409), asking Stripe for nothing", async () => {
    const shopper = await createGuestShopper(app());
    const stranger = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    const paid = await placeOrder(shopper);
    await fundWallet(app(), shopper.shopperId, paid.totalMinor);
    expect((await pay(app(), shopper, paid.id)).statusCode).toBe(200);
    context.stripe.clearRequests();

    expect((await startCardPayment(stranger, order.id)).json()).toMatchObject({ code: 'order_not_found' });
    expect((await startCardPayment(shopper, newId())).statusCode).toBe(404);
    const again = await startCardPayment(shopper, paid.id);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'invalid_order_transition' });
    expect(context.stripe.requests).toHaveLength(0);
    const { rows } = await app().database.pool.query('select 1 from payment_attempt where reference_id = any($1::uuid[])', [[order.id, paid.id]]);
    expect(rows).toHaveLength(0);
  });
});

describe('payment_intent.succeeded pays the order', () => {
  it('moves the total card clearing -> escrow, sells the stock and marks the order paid by card', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    const stockBefore = await stockOf(app(), variantId());
    const escrowBefore = await escrowBalanceMinor(app());
    const { paymentIntentId } = await startedCardPayment(shopper, order.id);

    const delivery = await deliver('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId));
    expect(delivery.body).toEqual({ received: true, eventId: delivery.event.id, duplicate: false });

    const stored = await orderRow(order.id);
    expect(stored).toMatchObject({ status: 'paid', paymentMethod: 'card', paymentIntentId });
    const legs = await ledgerLegs(app(), order.id);
    expect(legs).toEqual([expect.objectContaining({ id: stored?.paymentTransferId, kind: 'posted', reason: 'order_payment', amountMinor: 2500, direction: 'card_clearing -> escrow' })]);
    expect(await escrowBalanceMinor(app())).toBe(escrowBefore + 2500);
    expect(await stockOf(app(), variantId())).toEqual({ onHand: stockBefore.onHand - 1, reserved: stockBefore.reserved - 1 });
    expect(await outboxTypes(app(), order.id)).toEqual(['order.placed', 'order.paid']);

    const seen = await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}`, headers: shopper.headers });
    expect(seen.json()).toMatchObject({ status: 'paid', paymentMethod: 'card' });
    const status = await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/card-payment`, headers: shopper.headers });
    expect(status.json()).toEqual({ status: 'succeeded', failureCode: null, paymentIntentId });
  });

  it('changes nothing twice: a redelivery, a second success event, and stale processing and failure events', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    const { paymentIntentId } = await startedCardPayment(shopper, order.id);
    const declined = context.stripe.failPaymentIntent(paymentIntentId);
    const processing = context.stripe.processPaymentIntent(paymentIntentId);
    const succeeded = context.stripe.succeedPaymentIntent(paymentIntentId);
    const nowSeconds = Math.floor(Date.now() / 1000);

    const first = await deliver('payment_intent.succeeded', succeeded, nowSeconds);
    const events = async () => (await app().database.pool.query('select count(*)::int as count from order_event where order_id = $1', [order.id])).rows[0].count;
    const eventsAfterPayment = await events();

    expect((await context.stripe.redeliverWebhook(first.event, { url: context.webhookUrl })).body).toMatchObject({ duplicate: true });
    expect((await deliver('payment_intent.succeeded', succeeded, nowSeconds + 1)).body).toMatchObject({ duplicate: false });
    expect((await deliver('payment_intent.processing', processing, nowSeconds - 30)).statusCode).toBe(200);
    expect((await deliver('payment_intent.payment_failed', declined, nowSeconds - 60)).statusCode).toBe(200);

    expect(await orderRow(order.id)).toMatchObject({ status: 'paid', paymentMethod: 'card' });
    expect(await ledgerLegs(app(), order.id)).toHaveLength(1);
    expect(await events()).toBe(eventsAfterPayment);
    expect(await outboxTypes(app(), order.id)).toEqual(['order.placed', 'order.paid']);
    expect(context.stripe.requestsTo('POST', '/v1/refunds')).toHaveLength(0);
  });

  it('refuses a tampered webhook with 400 and leaves the order unpaid', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    const { paymentIntentId } = await startedCardPayment(shopper, order.id);
    const event = context.stripe.createEvent('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId));
    const payload = JSON.stringify(event, null, 2);
    const response = await app().inject({
      method: 'POST',
      url: '/api/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': context.stripe.signPayload(payload) },
      payload: payload.replace(`"reference_id": "${order.id}"`, `"reference_id": "${newId()}"`),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_signature' });
    expect(await orderRow(order.id)).toMatchObject({ status: 'pending_payment' });
    expect(await ledgerLegs(app(), order.id)).toEqual([]);
  });
});

describe('payment_intent.payment_failed records the failure', () => {
  it('keeps the order awaiting payment, records the decline, tells the widget, and a later success still pays', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    const { paymentIntentId } = await startedCardPayment(shopper, order.id);

    const failed = await deliver('payment_intent.payment_failed', context.stripe.failPaymentIntent(paymentIntentId));
    expect(failed.statusCode).toBe(200);
    expect(await orderRow(order.id)).toMatchObject({ status: 'pending_payment', paymentMethod: null });
    const status = await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/card-payment`, headers: shopper.headers });
    expect(status.json()).toEqual({ status: 'failed', failureCode: 'card_declined', paymentIntentId });
    expect(await ledgerLegs(app(), order.id)).toEqual([]);
    const { rows } = await app().database.pool.query(`select payload from outbox where aggregate_id = $1 and type = 'order.card_payment_failed'`, [order.id]);
    expect(rows).toEqual([{ payload: expect.objectContaining({ orderId: order.id, paymentIntentId, failureCode: 'card_declined' }) }]);

    // The shopper retries the same intent with another card.
    expect((await startedCardPayment(shopper, order.id)).paymentIntentId).toBe(paymentIntentId);
    await deliver('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId));
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid', paymentMethod: 'card' });
  });
});

/** What the order.card_refund job does for each pending card refund of the order, run twice as a retried job would. */
async function runCardRefundJobs(orderId: string) {
  const { rows } = await app().database.pool.query<{ id: string }>(`select id from order_refund where order_id = $1 and status = 'pending'`, [orderId]);
  for (const { id } of rows) {
    expect(await app().services.orders.completeCardRefund(id)).toEqual({ status: 'succeeded' });
    expect(await app().services.orders.completeCardRefund(id)).toEqual({ status: 'unchanged' });
  }
  return rows.map((row) => row.id);
}

describe('money that arrives after the order could no longer take it', () => {
  it('is refunded automatically when the order was cancelled meanwhile, once, and the books net to zero', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    const { paymentIntentId } = await startedCardPayment(shopper, order.id);
    const cancelled = await app().inject({ method: 'POST', url: `/api/store/orders/${order.id}/cancel`, headers: shopper.headers });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    const stockAfterCancel = await stockOf(app(), variantId());
    const escrowBefore = await escrowBalanceMinor(app());
    context.stripe.clearRequests();

    const delivery = await deliver('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId));
    expect(delivery.statusCode).toBe(200);
    // The webhook's transaction records the money in and the refund's intent; Stripe is not asked inside it.
    expect(context.stripe.requestsTo('POST', '/v1/refunds')).toHaveLength(0);
    expect((await ledgerLegs(app(), order.id)).map((leg) => leg.reason)).toEqual(['order_payment']);
    const { rows: intents } = await app().database.pool.query(`select kind, status, amount_minor as "amountMinor" from order_refund where order_id = $1`, [order.id]);
    expect(intents).toEqual([{ kind: 'late_payment', status: 'pending', amountMinor: 2500 }]);

    const [refundId] = await runCardRefundJobs(order.id);
    const refunds = context.stripe.requestsTo('POST', '/v1/refunds');
    expect(refunds).toEqual([expect.objectContaining({ idempotencyKey: `order_refund:${refundId}`, parameters: expect.objectContaining({ payment_intent: paymentIntentId }) })]);
    const legs = await ledgerLegs(app(), order.id);
    expect(legs).toEqual([
      expect.objectContaining({ reason: 'order_payment', amountMinor: 2500, direction: 'card_clearing -> escrow' }),
      expect.objectContaining({ reason: 'refund', amountMinor: 2500, direction: 'escrow -> card_clearing', correctsId: legs[0]?.id }),
    ]);
    expect(await escrowBalanceMinor(app())).toBe(escrowBefore);
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled', paymentMethod: null, paymentIntentId: null });
    expect(await stockOf(app(), variantId())).toEqual(stockAfterCancel);
    expect(await outboxTypes(app(), order.id)).toContain('order.late_payment_refunded');

    // Redelivered, or sent again under a new event id: nothing more is refunded or recorded.
    await context.stripe.redeliverWebhook(delivery.event, { url: context.webhookUrl });
    await deliver('payment_intent.succeeded', context.stripe.getPaymentIntent(paymentIntentId));
    expect(await runCardRefundJobs(order.id)).toEqual([]);
    expect(context.stripe.requestsTo('POST', '/v1/refunds')).toHaveLength(1);
    expect(await ledgerLegs(app(), order.id)).toHaveLength(2);
    const { rows } = await app().database.pool.query(`select count(*)::int as count from order_event where order_id = $1 and type = 'refunded'`, [order.id]);
    expect(rows[0].count).toBe(1);
  });

  it('is refunded when the shopper paid the order by wallet meanwhile, leaving the wallet payment as it is', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    const { paymentIntentId } = await startedCardPayment(shopper, order.id);
    await fundWallet(app(), shopper.shopperId, order.totalMinor);
    expect((await pay(app(), shopper, order.id)).statusCode).toBe(200);

    await deliver('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId));
    const [refundId] = await runCardRefundJobs(order.id);

    expect(await orderRow(order.id)).toMatchObject({ status: 'paid', paymentMethod: 'wallet', paymentIntentId: null });
    expect((await ledgerLegs(app(), order.id)).map((leg) => `${leg.reason}: ${leg.direction}`)).toEqual([
      'order_payment: shopper_wallet -> escrow',
      'order_payment: card_clearing -> escrow',
      'refund: escrow -> card_clearing',
    ]);
    expect(context.stripe.requestsTo('POST', '/v1/refunds').filter((request) => request.idempotencyKey === `order_refund:${refundId}`)).toHaveLength(1);
  });
});

describe('refunds of card-paid orders', () => {
  it("issues a Stripe refund keyed by the order refund and reverses escrow -> card clearing once when the merchant refunds part of it", async () => {
    const shopper = await createGuestShopper(app());
    const { order, paymentIntentId } = await paidByCard(shopper);
    context.stripe.clearRequests();

    const response = await app().inject({ method: 'POST', url: `/api/admin/orders/${order.id}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload: { amountMinor: 1000 } });
    expect(response.statusCode, response.body).toBe(201);
    // Pending: the order is unchanged until Stripe gives the money back.
    expect(response.json()).toMatchObject({ status: 'paid', refundedMinor: 0, refunds: [expect.objectContaining({ method: 'card', status: 'pending', amountMinor: 1000 })] });
    const { rows: jobs } = await app().database.pool.query(`select jobs from outbox where aggregate_id = $1 and type = 'order_refund.created'`, [order.id]);
    expect(jobs[0].jobs).toEqual([expect.objectContaining({ name: 'order.card_refund' })]);

    const [refundId] = await runCardRefundJobs(order.id);
    const stripeRefunds = context.stripe.requestsTo('POST', '/v1/refunds');
    expect(stripeRefunds).toHaveLength(1);
    expect(stripeRefunds[0]).toMatchObject({ idempotencyKey: `order_refund:${refundId}`, parameters: { payment_intent: paymentIntentId, amount: '1000' } });
    const legs = await ledgerLegs(app(), order.id);
    expect(legs.map((leg) => `${leg.reason} ${leg.amountMinor}: ${leg.direction}`)).toEqual(['order_payment 2500: card_clearing -> escrow', 'refund 1000: escrow -> card_clearing']);
    expect(legs[1]?.correctsId).toBe(legs[0]?.id);
    const detail = await app().inject({ method: 'GET', url: `/api/admin/orders/${order.id}`, headers: owner.headers });
    expect(detail.json()).toMatchObject({ status: 'partially_refunded', refundedMinor: 1000, refunds: [{ status: 'succeeded', method: 'card' }] });
  });

  it('refunds everything through Stripe when the merchant cancels a card-paid order, and restocks it', async () => {
    const shopper = await createGuestShopper(app());
    const stockBefore = await stockOf(app(), variantId());
    const { order } = await paidByCard(shopper);
    context.stripe.clearRequests();

    const response = await app().inject({ method: 'POST', url: `/api/admin/orders/${order.id}/cancel`, headers: owner.headers, payload: {} });
    expect(response.statusCode, response.body).toBe(200);
    await runCardRefundJobs(order.id);
    expect(context.stripe.requestsTo('POST', '/v1/refunds')).toEqual([expect.objectContaining({ parameters: expect.objectContaining({ amount: '2500' }) })]);
    expect((await ledgerLegs(app(), order.id)).map((leg) => leg.direction)).toEqual(['card_clearing -> escrow', 'escrow -> card_clearing']);
    expect(await stockOf(app(), variantId())).toEqual(stockBefore);
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled' });
  });
});
