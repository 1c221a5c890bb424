import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, outboxTypes, type StripeTestApp } from '../helpers/card-payments.ts';
import { walletBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, type ShopperSession } from '../helpers/shoppers.ts';

let context: StripeTestApp;
const app = () => context.testApp.app;

beforeAll(async () => {
  context = await buildStripeTestApp();
});
afterEach(() => assertLedgerInvariants(context.testApp.database));
afterAll(() => context.close());

/** Every top-up sends an Idempotency-Key (required); null leaves it out to see the 400. */
function startTopUp(shopper: ShopperSession, payload: object, idempotencyKey: string | null = newId()) {
  return app().inject({
    method: 'POST',
    url: '/api/store/wallet/top-ups',
    headers: { ...shopper.headers, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    payload,
  });
}

const deliver = (type: string, object: unknown) => context.stripe.deliverWebhook(type, object, { url: context.webhookUrl });

async function topUpLegs(shopperId: string) {
  const { rows } = await app().database.pool.query(
    `select transfer.reason, transfer.amount_minor as "amountMinor", debit.kind || ' -> ' || credit.kind as direction
       from ledger_transfer transfer join ledger_account debit on debit.id = transfer.debit_account_id join ledger_account credit on credit.id = transfer.credit_account_id
      where credit.owner_id = $1 and transfer.reason = 'top_up'`,
    [shopperId],
  );
  return rows;
}

describe('wallet top-ups by card (POST /api/store/wallet/top-ups)', () => {
  it('credits the wallet card clearing -> shopper wallet once Stripe says the money arrived, and only then', async () => {
    const shopper = await createGuestShopper(app());
    context.stripe.clearRequests();
    const started = await startTopUp(shopper, { amountMinor: 5000, currency: 'EUR' });
    expect(started.statusCode, started.body).toBe(201);
    const { topUp, payment } = started.json();
    expect(topUp).toMatchObject({ amountMinor: 5000, currency: 'EUR', status: 'pending', creditedAt: null });
    expect(payment).toMatchObject({ paymentIntentId: expect.stringMatching(/^pi_/), clientSecret: expect.any(String) });
    expect(context.stripe.requestsTo('POST', '/v1/payment_intents')).toEqual([
      expect.objectContaining({ idempotencyKey: `wallet_top_up:${topUp.id}`, parameters: expect.objectContaining({ amount: '5000', currency: 'eur' }) }),
    ]);
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(0);

    const delivery = await deliver('payment_intent.succeeded', context.stripe.succeedPaymentIntent(payment.paymentIntentId));
    expect(delivery.statusCode).toBe(200);
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(5000);
    expect(await topUpLegs(shopper.shopperId)).toEqual([{ reason: 'top_up', amountMinor: 5000, direction: 'card_clearing -> shopper_wallet' }]);
    const seen = await app().inject({ method: 'GET', url: `/api/store/wallet/top-ups/${topUp.id}`, headers: shopper.headers });
    expect(seen.json()).toMatchObject({ status: 'succeeded', creditedAt: expect.any(String) });
    const balance = await app().inject({ method: 'GET', url: '/api/store/wallet?currency=EUR', headers: shopper.headers });
    expect(balance.json()).toEqual({ currency: 'EUR', balanceMinor: 5000, availableMinor: 5000, heldMinor: 0 });
    expect(await outboxTypes(app(), shopper.shopperId)).toEqual(['wallet.topped_up']);

    // A redelivery and a second success event credit nothing more.
    await context.stripe.redeliverWebhook(delivery.event, { url: context.webhookUrl });
    await deliver('payment_intent.succeeded', context.stripe.getPaymentIntent(payment.paymentIntentId));
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(5000);
    expect(await topUpLegs(shopper.shopperId)).toHaveLength(1);
  });

  it('records a declined card on the top-up and credits nothing; another card may still succeed', async () => {
    const shopper = await createGuestShopper(app());
    const { topUp, payment } = (await startTopUp(shopper, { amountMinor: 2000, currency: 'EUR' })).json();
    await deliver('payment_intent.payment_failed', context.stripe.failPaymentIntent(payment.paymentIntentId));
    const failed = await app().inject({ method: 'GET', url: `/api/store/wallet/top-ups/${topUp.id}`, headers: shopper.headers });
    expect(failed.json()).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(0);

    await deliver('payment_intent.succeeded', context.stripe.succeedPaymentIntent(payment.paymentIntentId));
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(2000);
  });

  it('answers a retry with the same Idempotency-Key with the same top-up and intent, and refuses the key with another amount', async () => {
    const shopper = await createGuestShopper(app());
    const key = newId();
    const first = await startTopUp(shopper, { amountMinor: 3000, currency: 'EUR' }, key);
    const again = await startTopUp(shopper, { amountMinor: 3000, currency: 'EUR' }, key);
    // The first answer again: the same status, the same top-up and intent, marked as a replay.
    expect(again.statusCode).toBe(first.statusCode);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.json().topUp.id).toBe(first.json().topUp.id);
    expect(again.json().payment.paymentIntentId).toBe(first.json().payment.paymentIntentId);

    const other = await startTopUp(shopper, { amountMinor: 9000, currency: 'EUR' }, key);
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused', errors: { amountMinor: expect.any(String) } });

    await deliver('payment_intent.succeeded', context.stripe.succeedPaymentIntent(first.json().payment.paymentIntentId));
    const afterCredit = await startTopUp(shopper, { amountMinor: 3000, currency: 'EUR' }, key);
    expect(afterCredit.json()).toMatchObject({ topUp: { status: 'succeeded' }, payment: null });
  });

  it("refuses bad amounts and currencies with 400 and another shopper's top-up with 404, leaving nothing behind", async () => {
    const shopper = await createGuestShopper(app());
    const stranger = await createGuestShopper(app());
    const count = async () => (await app().database.pool.query('select count(*)::int as count from wallet_top_up')).rows[0].count;
    const before = await count();
    for (const payload of [{ amountMinor: 0, currency: 'EUR' }, { amountMinor: 12.5, currency: 'EUR' }, { amountMinor: 1000, currency: 'XXX' }, { amountMinor: 1000 }]) {
      const response = await startTopUp(shopper, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(await count()).toBe(before);
    // Below Stripe's minimum charge: the intent to top up was committed before Stripe was asked, and
    // Stripe's refusal fails it for good: nothing is left pending for the sweeper, nothing is credited.
    const tooSmall = await startTopUp(shopper, { amountMinor: 10, currency: 'EUR' });
    expect(tooSmall.statusCode).toBe(400);
    expect(tooSmall.json()).toMatchObject({ code: 'payment_amount_too_small' });
    expect(await count()).toBe(before + 1);
    const { rows: refused } = await app().database.pool.query(`select status, failure_code as "failureCode", payment_intent_id as "paymentIntentId" from wallet_top_up where shopper_id = $1`, [shopper.shopperId]);
    expect(refused).toEqual([{ status: 'failed', failureCode: 'payment_amount_too_small', paymentIntentId: null }]);

    const { topUp } = (await startTopUp(shopper, { amountMinor: 1500, currency: 'EUR' })).json();
    const foreign = await app().inject({ method: 'GET', url: `/api/store/wallet/top-ups/${topUp.id}`, headers: stranger.headers });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'wallet_top_up_not_found' });
    expect((await app().inject({ method: 'POST', url: '/api/store/wallet/top-ups', payload: { amountMinor: 1500, currency: 'EUR' } })).statusCode).toBe(401);
  });
});
