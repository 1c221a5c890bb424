import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, ledgerLegs, type StripeTestApp } from '../helpers/card-payments.ts';
import { checkout, walletBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';
import { fundMerchantThroughOrder } from '../helpers/settled-orders.ts';

/**
 * Item 3 of issue 7: no provider call inside a transaction, and a crash at any point is recovered. A
 * money step runs in a child process with the real services and is killed (SIGKILL, through the
 * MINISHOP_TEST_CRASH_AT seam) right after its intent is committed, before or after the provider call.
 * The sweeper, reading the database, then finishes it: the provider sees one refund / payment intent /
 * payout, and the ledger moves once.
 */
let context: StripeTestApp;
let owner: StaffSession;
let shop: StoreFixture;
const app = () => context.testApp.app;
const fixture = fileURLToPath(new URL('../fixtures/money-step-child.ts', import.meta.url));
/** Past every stale threshold: the sweeper as it runs a while after the crash. */
const later = () => new Date(Date.now() + 3_600_000);

beforeAll(async () => {
  context = await buildStripeTestApp();
  owner = await createMerchantWithStaff(app(), 'owner');
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 2_500, stockOnHand: 100 }] });
});
afterAll(async () => {
  await assertLedgerInvariants(context.testApp.database);
  await context.close();
});

/** Runs one money step in a child process that dies at `crashAt`; resolves with how it ended. */
async function runStepThatCrashes(step: string, crashAt: string, environment: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const { config } = context.testApp;
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: config.database.url,
      DATABASE_POOL_MAX: '2',
      REDIS_URL: config.redis.url,
      REDIS_KEY_PREFIX: config.redis.keyPrefix,
      STRIPE_API_URL: context.stripe.url,
      LOG_LEVEL: 'silent',
      MINISHOP_TEST_CRASH_AT: crashAt,
      MONEY_STEP: step,
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, output };
}

/** An order the shopper paid by card through the product's path: checkout, a payment intent, Stripe's webhook. */
async function cardPaidOrder(shopper: ShopperSession): Promise<{ id: string; paymentIntentId: string }> {
  const order = (await checkout(app(), shopper, shop.slug, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 1 })).json();
  const started = await app().inject({ method: 'POST', url: `/api/store/orders/${order.id}/card-payment`, headers: shopper.headers });
  expect(started.statusCode, started.body).toBe(200);
  const { paymentIntentId } = started.json();
  const delivery = await context.stripe.deliverWebhook('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId), { url: context.webhookUrl });
  expect(delivery.statusCode).toBe(200);
  return { id: order.id, paymentIntentId };
}

async function pendingCardRefund(orderId: string): Promise<string> {
  const response = await app().inject({ method: 'POST', url: `/api/admin/orders/${orderId}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload: { reason: 'crash test' } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().refunds[0].id;
}

async function row(table: 'order_refund' | 'wallet_top_up' | 'payout', id: string) {
  const { rows } = await app().database.pool.query(`select * from ${table} where id = $1`, [id]);
  return rows[0];
}

/** Refunds Stripe actually made for this refund's key (an idempotent replay makes none). */
function refundsMadeAtStripe(refundId: string) {
  return context.stripe.requestsTo('POST', '/v1/refunds').filter((request) => request.idempotencyKey === `order_refund:${refundId}` && request.statusCode === 200 && !request.replayed);
}

describe('a process that dies between the commit and the provider call', () => {
  it('leaves a card refund pending when it dies before Stripe is asked; the sweeper refunds it once and the ledger moves once', { timeout: 90_000 }, async () => {
    const shopper = await createGuestShopper(app());
    const order = await cardPaidOrder(shopper);
    const refundId = await pendingCardRefund(order.id);

    const crashed = await runStepThatCrashes('card_refund', 'card_refund.before_provider_call', { REFUND_ID: refundId });
    expect(crashed, crashed.output).toMatchObject({ signal: 'SIGKILL' });
    expect(context.stripe.requestsTo('POST', '/v1/refunds').filter((request) => request.idempotencyKey === `order_refund:${refundId}`)).toHaveLength(0);
    expect(await row('order_refund', refundId)).toMatchObject({ status: 'pending', attempt_count: 1 });
    expect((await ledgerLegs(app(), order.id)).map((leg) => leg.reason)).toEqual(['order_payment']);

    expect((await app().services.moneySweeper.sweep(later())).refundsRetried).toBeGreaterThanOrEqual(1);
    await app().services.moneySweeper.sweep(later());
    expect(refundsMadeAtStripe(refundId)).toHaveLength(1);
    expect(await row('order_refund', refundId)).toMatchObject({ status: 'succeeded' });
    expect((await ledgerLegs(app(), order.id)).map((leg) => `${leg.reason} ${leg.amountMinor}: ${leg.direction}`)).toEqual([
      'order_payment 2500: card_clearing -> escrow',
      'refund 2500: escrow -> card_clearing',
    ]);
    const { rows } = await app().database.pool.query(`select status, refunded_minor as "refundedMinor" from shop_order where id = $1`, [order.id]);
    expect(rows[0]).toEqual({ status: 'refunded', refundedMinor: 2_500 });
  });

  it('records a card refund once when the process dies after Stripe refunded: the sweeper asks again with the same key and Stripe answers the same refund', { timeout: 90_000 }, async () => {
    const shopper = await createGuestShopper(app());
    const order = await cardPaidOrder(shopper);
    const refundId = await pendingCardRefund(order.id);

    const crashed = await runStepThatCrashes('card_refund', 'card_refund.after_provider_call', { REFUND_ID: refundId });
    expect(crashed, crashed.output).toMatchObject({ signal: 'SIGKILL' });
    expect(refundsMadeAtStripe(refundId)).toHaveLength(1);
    expect(await row('order_refund', refundId)).toMatchObject({ status: 'pending' });
    expect((await ledgerLegs(app(), order.id)).map((leg) => leg.reason)).toEqual(['order_payment']);

    await app().services.moneySweeper.sweep(later());
    await app().services.moneySweeper.sweep(later());
    const asked = context.stripe.requestsTo('POST', '/v1/refunds').filter((request) => request.idempotencyKey === `order_refund:${refundId}`);
    expect(asked.map((request) => request.replayed)).toEqual([false, true]);
    expect(refundsMadeAtStripe(refundId)).toHaveLength(1);
    expect((await ledgerLegs(app(), order.id)).map((leg) => leg.reason)).toEqual(['order_payment', 'refund']);
    expect(asked.map((request) => request.statusCode)).toEqual([200, 200]);
    expect(await row('order_refund', refundId)).toMatchObject({ status: 'succeeded', external_reference: expect.stringMatching(/^re_/) });
  });

  it('gives a top-up whose process died before Stripe was asked its payment intent from the sweeper, once, and credits the wallet once', { timeout: 90_000 }, async () => {
    const shopper = await createGuestShopper(app());
    const key = newId();
    const crashed = await runStepThatCrashes('top_up', 'top_up.before_provider_call', { SHOPPER_ID: shopper.shopperId, AMOUNT_MINOR: '4000', IDEMPOTENCY_KEY: key });
    expect(crashed, crashed.output).toMatchObject({ signal: 'SIGKILL' });
    const { rows } = await app().database.pool.query(`select id from wallet_top_up where shopper_id = $1`, [shopper.shopperId]);
    expect(rows).toHaveLength(1);
    const topUpId = rows[0].id as string;
    expect(await row('wallet_top_up', topUpId)).toMatchObject({ status: 'pending', payment_intent_id: null });
    expect(context.stripe.requestsTo('POST', '/v1/payment_intents').filter((request) => request.idempotencyKey === `wallet_top_up:${topUpId}`)).toHaveLength(0);

    expect((await app().services.moneySweeper.sweep(later())).topUpsRetried).toBeGreaterThanOrEqual(1);
    await app().services.moneySweeper.sweep(later());
    const created = context.stripe.requestsTo('POST', '/v1/payment_intents').filter((request) => request.idempotencyKey === `wallet_top_up:${topUpId}`);
    expect(created).toHaveLength(1);
    const { payment_intent_id: paymentIntentId } = await row('wallet_top_up', topUpId);
    expect(paymentIntentId).toMatch(/^pi_/);

    // The shopper's retry with the same key finds the same top-up and intent.
    const retry = await app().inject({ method: 'POST', url: '/api/store/wallet/top-ups', headers: { ...shopper.headers, 'idempotency-key': key }, payload: { amountMinor: 4000, currency: 'EUR' } });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.json()).toMatchObject({ topUp: { id: topUpId }, payment: { paymentIntentId } });

    const success = context.stripe.succeedPaymentIntent(paymentIntentId);
    await context.stripe.deliverWebhook('payment_intent.succeeded', success, { url: context.webhookUrl });
    await context.stripe.deliverWebhook('payment_intent.succeeded', success, { url: context.webhookUrl });
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(4000);
    const { rows: credits } = await app().database.pool.query(
      `select transfer.amount_minor as "amountMinor" from ledger_transfer transfer join ledger_account credit on credit.id = transfer.credit_account_id
        where credit.owner_id = $1 and transfer.reason = 'top_up'`,
      [shopper.shopperId],
    );
    expect(credits).toEqual([{ amountMinor: 4000 }]);
  });

  it('hands a payout whose process died before the provider was asked to the provider through the sweeper, once', { timeout: 90_000 }, async () => {
    const merchant = await createMerchantWithStaff(app(), 'owner');
    await fundMerchantThroughOrder(context, merchant.merchantId, 50_00);
    const key = newId();
    const crashed = await runStepThatCrashes('payout', 'payout.before_provider_call', { MERCHANT_ID: merchant.merchantId, USER_ID: merchant.userId, AMOUNT_MINOR: '3000', IDEMPOTENCY_KEY: key });
    expect(crashed, crashed.output).toMatchObject({ signal: 'SIGKILL' });
    const { rows } = await app().database.pool.query(`select id from payout where merchant_id = $1`, [merchant.merchantId]);
    expect(rows).toHaveLength(1);
    const payoutId = rows[0].id as string;
    expect(await row('payout', payoutId)).toMatchObject({ status: 'pending', provider_reference: null, attempt_count: 1 });
    const atProvider = async () => (await app().database.pool.query(`select count(*)::int as count from local_provider_record where kind = 'payout' and reference_id = $1`, [payoutId])).rows[0].count;
    expect(await atProvider()).toBe(0);

    expect((await app().services.moneySweeper.sweep(later())).payoutsRetried).toBeGreaterThanOrEqual(1);
    await app().services.moneySweeper.sweep(later());
    expect(await atProvider()).toBe(1);
    expect(await row('payout', payoutId)).toMatchObject({ status: 'pending', provider_reference: expect.stringMatching(/^lpo_/), last_error: null });
    // The money was held once, by the request that crashed.
    expect((await ledgerLegs(app(), payoutId)).map((leg) => leg.kind)).toEqual(['pending']);
  });
});

