import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../../db/src/actor.ts';
import { newId } from '../../../../db/src/ids.ts';
import { lockOrderWithLines, recordTransition } from '../../../../db/src/modules/orders/order-records.ts';
import { commitStock } from '../../../../db/src/modules/orders/stock-reservations.ts';
import { withPoolTransaction } from '../../../../db/src/pool-transaction.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { startFakeStripeServer, type FakeStripeServer } from '../../../../db/src/testing/stripe-server/stripe-server.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { ledgerLegs } from '../../helpers/card-payments.ts';
import { checkout, stockOf } from '../../helpers/orders.ts';
import { createGuestShopper, createOperator, createStoreFixture, type ShopperSession, type StoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/**
 * Refunds of card money follow the money: the refund is recorded as a `pending` intent that changes
 * nothing else; the `order.card_refund` job (or the sweeper) asks the (fake) Stripe, keyed by the refund,
 * and only its success changes the order, its lines, stock and the ledger. A refusal leaves all of them
 * as they were, and the order's history says why.
 */
const MAX_ATTEMPTS = 3;
let stripe: FakeStripeServer;
let testApp: TestApp;
let owner: StaffSession;
let shop: StoreFixture;
let shopper: ShopperSession;
let operator: { userId: string; headers: { authorization: string } };
const WEBHOOK: Actor = { type: 'system', process: 'stripe-webhook' };

beforeAll(async () => {
  stripe = await startFakeStripeServer();
  testApp = await buildTestApp({ STRIPE_API_URL: stripe.url, MONEY_SWEEP_MAX_ATTEMPTS: String(MAX_ATTEMPTS), MONEY_SWEEP_STALE_SECONDS: '60' });
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 2_000, stockOnHand: 50 }] });
  shopper = await createGuestShopper(testApp.app);
  operator = await createOperator(testApp.app);
});
afterAll(async () => {
  await assertLedgerInvariants(testApp.database);
  await testApp.close();
  await stripe.close();
});

const variantId = () => shop.variantIds[0] as string;
/** Later than any stale threshold: what the sweeper sees an hour from now. */
const anHourLater = () => new Date(Date.now() + 3_600_000);

/** An order paid by card, as the Stripe webhook leaves it: card clearing -> escrow, stock sold, `paid`. */
async function cardPaidOrder(quantity: number): Promise<{ id: string; paymentIntentId: string; totalMinor: number; lineId: string }> {
  const order = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: variantId(), quantity })).json();
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
  return { id: order.id, paymentIntentId: intent.id, totalMinor: order.totalMinor, lineId: order.lines[0].id };
}

function refund(orderId: string, payload: object, idempotencyKey: string = newId()) {
  return testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${orderId}/refunds`, headers: { ...owner.headers, 'idempotency-key': idempotencyKey }, payload });
}

async function cardClearingBalanceMinor(): Promise<number> {
  const { rows } = await testApp.database.pool.query<{ balance: number }>(`select debits_posted - credits_posted as balance from ledger_account where kind = 'card_clearing' and currency = 'EUR'`);
  return rows[0]?.balance ?? 0;
}

/** Everything a refund may change: the order, its lines, the shelf, its ledger legs and the card clearing balance. */
async function moneyState(orderId: string) {
  const { rows: orders } = await testApp.database.pool.query(`select status, refunded_minor as "refundedMinor", updated_at as "updatedAt" from shop_order where id = $1`, [orderId]);
  const { rows: lines } = await testApp.database.pool.query(
    `select id, refunded_quantity as "refundedQuantity", refunded_minor as "refundedMinor" from order_line where order_id = $1 order by position`,
    [orderId],
  );
  return {
    order: orders[0],
    lines,
    stock: await stockOf(testApp.app, variantId()),
    legs: (await ledgerLegs(testApp.app, orderId)).map((leg) => `${leg.reason} ${leg.amountMinor}: ${leg.direction}`),
    cardClearingMinor: await cardClearingBalanceMinor(),
  };
}

async function refundRow(refundId: string) {
  const { rows } = await testApp.database.pool.query(
    `select status, attempt_count as "attemptCount", last_error as "lastError", failure_code as "failureCode",
            needs_attention_at as "needsAttentionAt", attention_reason as "attentionReason", external_reference as "externalReference"
       from order_refund where id = $1`,
    [refundId],
  );
  return rows[0];
}

async function moneyAttention() {
  const response = await testApp.app.inject({ method: 'GET', url: '/api/admin/operator/money-attention?kind=order_refund', headers: operator.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { id: string; attentionReason: string }[];
}

describe('refunding card money', () => {
  it('records a pending intent that changes nothing; the job refunds at Stripe once and only then changes the order, lines, stock and ledger', async () => {
    const order = await cardPaidOrder(2);
    const before = await moneyState(order.id);
    const response = await refund(order.id, { lines: [{ lineId: order.lineId, quantity: 1 }], reason: 'one tin was dented' });
    expect(response.statusCode, response.body).toBe(201);
    const refundId = response.json().refunds[0].id;
    expect(response.json()).toMatchObject({ status: 'paid', refundedMinor: 0, refunds: [{ amountMinor: 2_000, method: 'card', status: 'pending', kind: 'refund', restocked: true }] });
    expect(response.json().events.at(-1)).toMatchObject({ type: 'refund_requested', fromStatus: 'paid', toStatus: 'paid', data: { refundId } });
    const { rows: outbox } = await testApp.database.pool.query(`select jobs from outbox where type = 'order_refund.created' and aggregate_id = $1`, [order.id]);
    expect(outbox).toEqual([{ jobs: [{ name: 'order.card_refund', key: refundId, payload: { refundId }, runAt: null }] }]);
    // Nothing has reached Stripe, and the order, its lines, stock and the ledger are as they were.
    expect(stripe.requestsTo('POST', '/v1/refunds')).toHaveLength(0);
    expect({ ...(await moneyState(order.id)), order: { ...(await moneyState(order.id)).order, updatedAt: null } }).toEqual({ ...before, order: { ...before.order, updatedAt: null } });

    expect(await testApp.app.services.orders.completeCardRefund(refundId)).toEqual({ status: 'succeeded' });
    expect(await testApp.app.services.orders.completeCardRefund(refundId)).toEqual({ status: 'unchanged' });
    const sent = stripe.requestsTo('POST', '/v1/refunds');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ idempotencyKey: `order_refund:${refundId}`, parameters: { payment_intent: order.paymentIntentId, amount: '2000' } });
    const after = await moneyState(order.id);
    expect(after.order).toMatchObject({ status: 'partially_refunded', refundedMinor: 2_000 });
    expect(after.lines).toEqual([{ id: order.lineId, refundedQuantity: 1, refundedMinor: 2_000 }]);
    expect(after.stock).toEqual({ onHand: before.stock.onHand + 1, reserved: before.stock.reserved });
    expect(after.legs).toEqual(['order_payment 4000: card_clearing -> escrow', 'refund 2000: escrow -> card_clearing']);
    expect(after.cardClearingMinor).toBe(before.cardClearingMinor - 2_000);
    expect(await refundRow(refundId)).toMatchObject({ status: 'succeeded', attemptCount: 1, externalReference: expect.stringMatching(/^re_/) });
  });

  it('cancels a card-paid order before shipping: restocked at once, the money recorded as refunded when the job has given it back', async () => {
    const order = await cardPaidOrder(3);
    const stockBefore = await stockOf(testApp.app, variantId());
    const response = await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/cancel`, headers: owner.headers, payload: {} });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'cancelled', refundedMinor: 0, refunds: [expect.objectContaining({ method: 'card', status: 'pending', kind: 'cancellation', restocked: true })] });
    expect(await stockOf(testApp.app, variantId())).toEqual({ onHand: stockBefore.onHand + 3, reserved: stockBefore.reserved });
    expect(await testApp.app.services.orders.completeCardRefund(response.json().refunds[0].id)).toEqual({ status: 'succeeded' });
    const after = await moneyState(order.id);
    expect(after.order).toMatchObject({ status: 'cancelled', refundedMinor: 6_000 });
    expect(after.lines).toEqual([{ id: order.lineId, refundedQuantity: 3, refundedMinor: 6_000 }]);
    // Restocked once, with the cancellation: the refund's success puts nothing on the shelf again.
    expect(await stockOf(testApp.app, variantId())).toEqual({ onHand: stockBefore.onHand + 3, reserved: stockBefore.reserved });
  });

  it('leaves the order, its lines, stock and the ledger as they were when Stripe refuses the refund, and says why in the history', async () => {
    const order = await cardPaidOrder(2);
    const before = await moneyState(order.id);
    const response = await refund(order.id, {});
    expect(response.statusCode, response.body).toBe(201);
    const refundId = response.json().refunds[0].id;
    // Someone refunded the whole payment in Stripe's dashboard meanwhile: Stripe refuses ours for good.
    await testApp.app.services.payments.gateway.refund({ paymentIntentId: order.paymentIntentId, idempotencyKey: `dashboard:${order.id}` });
    expect(await testApp.app.services.orders.completeCardRefund(refundId)).toEqual({ status: 'failed' });

    const after = await moneyState(order.id);
    expect(after.order).toEqual(before.order);
    expect(after.lines).toEqual(before.lines);
    expect(after.stock).toEqual(before.stock);
    expect(after.legs).toEqual(before.legs);
    expect(after.cardClearingMinor).toBe(before.cardClearingMinor);
    expect(await refundRow(refundId)).toMatchObject({ status: 'failed', failureCode: 'payment_already_refunded', needsAttentionAt: null });
    const detail = (await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${order.id}`, headers: owner.headers })).json();
    expect(detail).toMatchObject({ status: 'paid', refundedMinor: 0, refunds: [{ id: refundId, status: 'failed', restocked: false, failureCode: 'payment_already_refunded', failureMessage: expect.any(String) }] });
    expect(detail.events.at(-1)).toMatchObject({ type: 'refund_failed', fromStatus: 'paid', toStatus: 'paid', data: { refundId, failureCode: 'payment_already_refunded' } });
    expect(detail.events.at(-1).note).toMatch(/refused by the card processor/);
    const { rows } = await testApp.database.pool.query(`select payload from outbox where type = 'order_refund.failed' and aggregate_id = $1`, [order.id]);
    expect(rows).toEqual([{ payload: expect.objectContaining({ refundId, orderId: order.id, merchantId: owner.merchantId, shopperId: shopper.shopperId }) }]);
    // A merchant's own refund is theirs to try again; nothing is left for an operator.
    expect((await moneyAttention()).map((item) => item.id)).not.toContain(refundId);
  });

  it('puts nothing back on the shelf when the goods shipped before the card refund came through', async () => {
    const order = await cardPaidOrder(2);
    const refundId = (await refund(order.id, { lines: [{ lineId: order.lineId, quantity: 1 }] })).json().refunds[0].id;
    for (const verb of ['pack', 'ship']) {
      const moved = await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/${verb}`, headers: owner.headers, payload: verb === 'ship' ? { carrier: 'DHL', trackingNumber: 'T1' } : {} });
      expect(moved.statusCode, moved.body).toBe(200);
    }
    const stockBefore = await stockOf(testApp.app, variantId());
    expect(await testApp.app.services.orders.completeCardRefund(refundId)).toEqual({ status: 'succeeded' });
    expect(await stockOf(testApp.app, variantId())).toEqual(stockBefore);
    const detail = (await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${order.id}`, headers: owner.headers })).json();
    expect(detail).toMatchObject({ status: 'partially_refunded', refundedMinor: 2_000, refunds: [{ id: refundId, status: 'succeeded', restocked: false }] });
  });

  it('never lets pending card refunds promise more than was paid', async () => {
    const order = await cardPaidOrder(1);
    expect((await refund(order.id, { amountMinor: 1_500 })).statusCode).toBe(201);
    const tooMuch = await refund(order.id, { amountMinor: 600 });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json()).toMatchObject({ code: 'refund_exceeds_remaining', errors: { amountMinor: expect.stringContaining('500') } });
    expect((await refund(order.id, { amountMinor: 500 })).statusCode).toBe(201);
    const nothingLeft = await refund(order.id, { amountMinor: 1 });
    expect(nothingLeft.json()).toMatchObject({ code: 'nothing_to_refund' });
  });

  it('keeps a refund pending with its error while Stripe is down, and the sweeper finishes it once Stripe is back', async () => {
    const order = await cardPaidOrder(1);
    const refundId = (await refund(order.id, {})).json().refunds[0].id;
    stripe.failNextRequests('POST', '/v1/refunds', 10);
    await expect(testApp.app.services.orders.completeCardRefund(refundId)).rejects.toThrow();
    expect(await refundRow(refundId)).toMatchObject({ status: 'pending', attemptCount: 1, lastError: expect.any(String), needsAttentionAt: null });
    expect((await moneyState(order.id)).order).toMatchObject({ status: 'paid', refundedMinor: 0 });
    stripe.clearInjectedFailures();

    // Not stale yet: the sweeper leaves it to the job's own retries.
    expect((await testApp.app.services.moneySweeper.sweep(new Date())).refundsRetried).toBe(0);
    expect((await testApp.app.services.moneySweeper.sweep(anHourLater())).refundsRetried).toBeGreaterThanOrEqual(1);
    expect(await refundRow(refundId)).toMatchObject({ status: 'succeeded', attemptCount: 2, lastError: null });
    expect((await moneyState(order.id)).order).toMatchObject({ status: 'refunded', refundedMinor: 2_000 });
    const succeeded = stripe.requestsTo('POST', '/v1/refunds').filter((request) => request.idempotencyKey === `order_refund:${refundId}` && request.statusCode === 200);
    expect(succeeded).toHaveLength(1);
  });

  it('flags a refund for an operator once its attempts are spent, and lists it at /operator/money-attention', async () => {
    const order = await cardPaidOrder(1);
    const refundId = (await refund(order.id, {})).json().refunds[0].id;
    stripe.failNextRequests('POST', '/v1/refunds', 1_000);
    try {
      for (let sweep = 0; sweep < MAX_ATTEMPTS; sweep += 1) await testApp.app.services.moneySweeper.sweep(new Date(Date.now() + (sweep + 1) * 3_600_000));
      expect(await refundRow(refundId)).toMatchObject({ status: 'pending', attemptCount: MAX_ATTEMPTS, needsAttentionAt: null });
      const report = await testApp.app.services.moneySweeper.sweep(new Date(Date.now() + 10 * 3_600_000));
      expect(report.flagged).toBeGreaterThanOrEqual(1);
    } finally {
      stripe.clearInjectedFailures();
    }
    expect(await refundRow(refundId)).toMatchObject({ status: 'pending', attemptCount: MAX_ATTEMPTS, needsAttentionAt: expect.any(Date), attentionReason: 'retries_exhausted' });
    expect(await moneyAttention()).toContainEqual(expect.objectContaining({ kind: 'order_refund', id: refundId, attentionReason: 'retries_exhausted', attemptCount: MAX_ATTEMPTS, referenceId: order.id }));
    // Flagged records are left alone by later sweeps: an operator decides.
    await testApp.app.services.moneySweeper.sweep(new Date(Date.now() + 20 * 3_600_000));
    expect(await refundRow(refundId)).toMatchObject({ attemptCount: MAX_ATTEMPTS });
    const merchantAsks = await testApp.app.inject({ method: 'GET', url: '/api/admin/operator/money-attention', headers: owner.headers });
    expect(merchantAsks.statusCode).toBe(403);

    // Stripe is back; the operator sends it back to work: its attempts start again and one runs now.
    const retried = await testApp.app.inject({ method: 'POST', url: `/api/admin/operator/money-attention/order_refund/${refundId}/retry`, headers: operator.headers });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ kind: 'order_refund', id: refundId, status: 'succeeded', attemptCount: 1, needsAttentionAt: null, attentionReason: null });
    expect((await moneyState(order.id)).order).toMatchObject({ status: 'refunded', refundedMinor: 2_000 });
    expect((await moneyAttention()).map((item) => item.id)).not.toContain(refundId);
    const again = await testApp.app.inject({ method: 'POST', url: `/api/admin/operator/money-attention/order_refund/${refundId}/retry`, headers: operator.headers });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'money_record_not_pending' });
  });

  it("flags a cancellation's refused card refund for an operator: the shopper is owed that money", async () => {
    const order = await cardPaidOrder(1);
    const cancelled = await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/cancel`, headers: owner.headers, payload: {} });
    const refundId = cancelled.json().refunds[0].id;
    await testApp.app.services.payments.gateway.refund({ paymentIntentId: order.paymentIntentId, amountMinor: 1, idempotencyKey: `dashboard:${order.id}` });
    // Stripe refuses a refund of more than is left on the charge.
    expect(await testApp.app.services.orders.completeCardRefund(refundId)).toEqual({ status: 'failed' });
    expect(await refundRow(refundId)).toMatchObject({ status: 'failed', attentionReason: 'card_refund_refused', needsAttentionAt: expect.any(Date) });
    expect((await moneyState(order.id)).order).toMatchObject({ status: 'cancelled', refundedMinor: 0 });
    expect(await moneyAttention()).toContainEqual(expect.objectContaining({ id: refundId, attentionReason: 'card_refund_refused' }));

    // The operator pays the shopper back outside the platform and says so: the refund leaves the list.
    const resolveUrl = `/api/admin/operator/money-attention/order_refund/${refundId}/resolve`;
    expect((await testApp.app.inject({ method: 'POST', url: resolveUrl, headers: operator.headers, payload: { resolution: '' } })).statusCode).toBe(400);
    const resolved = await testApp.app.inject({ method: 'POST', url: resolveUrl, headers: operator.headers, payload: { resolution: 'paid back by bank transfer, ticket 42' } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'failed', attentionReason: 'card_refund_refused', attentionResolvedBy: operator.userId, attentionResolution: 'paid back by bank transfer, ticket 42' });
    expect((await moneyAttention()).map((item) => item.id)).not.toContain(refundId);
    expect((await testApp.app.inject({ method: 'POST', url: resolveUrl, headers: operator.headers, payload: { resolution: 'twice' } })).json()).toMatchObject({ code: 'money_record_not_flagged' });
    const unknown = await testApp.app.inject({ method: 'POST', url: `/api/admin/operator/money-attention/payout/${newId()}/resolve`, headers: operator.headers, payload: { resolution: 'x' } });
    expect(unknown.statusCode).toBe(404);
  });
});
