import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../actor.ts';
import { newId } from '../../ids.ts';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import { startFakeStripeServer, type FakeStripeServer } from '../../testing/stripe-server/stripe-server.ts';
import { ShoppersService } from '../shoppers/shoppers.service.ts';
import type { StartCardPaymentInput } from './payments.schemas.ts';
import { PaymentsService } from './payments.service.ts';
import { StripeGateway } from './stripe-gateway.ts';

let environment: TestEnvironment;
let server: FakeStripeServer;
let payments: PaymentsService;
const checkout: Actor = { type: 'system', process: 'checkout' };

/** A guest shopper, signed in as the widget signs one in. */
async function createShopper(): Promise<string> {
  const session = await new ShoppersService(environment.database, environment.config).createSession({ provider: 'guest', deviceId: newId() });
  return session.shopper.id;
}

async function attemptRows(referenceId: string) {
  const { rows } = await environment.database.pool.query('select * from payment_attempt where reference_id = $1', [referenceId]);
  return rows;
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await startFakeStripeServer();
  environment = await createTestEnvironment({ STRIPE_API_URL: server.url });
  payments = new PaymentsService(environment.database, new StripeGateway(environment.config.stripe, { maxNetworkRetries: 0 }));
});
afterAll(async () => {
  await environment.cleanup();
  await server.close();
});

describe('PaymentsService.startCardPayment', () => {
  it('creates a payment intent with the key <purpose>:<referenceId> and records the attempt', async () => {
    const input: StartCardPaymentInput = { purpose: 'order', referenceId: newId(), amountMinor: 4250, currency: 'EUR', shopperId: await createShopper() };
    const started = await payments.startCardPayment(checkout, input);

    expect(started).toMatchObject({ status: 'pending', paymentIntentId: expect.stringMatching(/^pi_/), clientSecret: expect.stringMatching(/_secret_/) });
    const [creation] = server.requestsTo('POST', '/v1/payment_intents').filter((request) => request.idempotencyKey === `order:${input.referenceId}`);
    expect(creation?.parameters).toMatchObject({
      amount: '4250',
      currency: 'eur',
      metadata: { purpose: 'order', reference_id: input.referenceId, attempt_id: started.attemptId, shopper_id: input.shopperId },
    });
    expect(await attemptRows(input.referenceId)).toEqual([
      expect.objectContaining({
        id: started.attemptId,
        purpose: 'order',
        amount_minor: 4250,
        currency: 'EUR',
        status: 'pending',
        idempotency_key: `order:${input.referenceId}`,
        stripe_payment_intent_id: started.paymentIntentId,
      }),
    ]);
  });

  it('answers a repeated call with the same intent and creates nothing new', async () => {
    const input: StartCardPaymentInput = { purpose: 'wallet_top_up', referenceId: newId(), amountMinor: 2000, currency: 'USD', shopperId: await createShopper() };
    const first = await payments.startCardPayment(checkout, input);
    const intentsBefore = server.account.paymentIntents.size;
    const second = await payments.startCardPayment(checkout, input);
    expect(second).toEqual(first);
    expect(server.account.paymentIntents.size).toBe(intentsBefore);
    expect(await attemptRows(input.referenceId)).toHaveLength(1);
  });

  it('recovers after a crash between Stripe\'s answer and our write: the same key brings back the same intent', async () => {
    const input: StartCardPaymentInput = { purpose: 'order', referenceId: newId(), amountMinor: 990, currency: 'EUR', shopperId: await createShopper() };
    const first = await payments.startCardPayment(checkout, input);
    await environment.database.pool.query('update payment_attempt set stripe_payment_intent_id = null where id = $1', [first.attemptId]);

    const recovered = await payments.startCardPayment(checkout, input);
    expect(recovered.paymentIntentId).toBe(first.paymentIntentId);
    const creations = server.requestsTo('POST', '/v1/payment_intents').filter((request) => request.idempotencyKey === `order:${input.referenceId}`);
    expect(creations.map((request) => request.replayed)).toEqual([false, true]);
    expect((await attemptRows(input.referenceId))[0]?.stripe_payment_intent_id).toBe(first.paymentIntentId);
  });

  it('refuses the same order with another amount as a conflict and changes nothing', async () => {
    const input: StartCardPaymentInput = { purpose: 'order', referenceId: newId(), amountMinor: 1500, currency: 'EUR', shopperId: await createShopper() };
    await payments.startCardPayment(checkout, input);
    const requestsBefore = server.requests.length;
    const error = await caught(payments.startCardPayment(checkout, { ...input, amountMinor: 1499 }));
    expect(error).toMatchObject({ type: 'conflict', code: 'payment_attempt_mismatch' });
    expect(server.requests.length).toBe(requestsBefore);
    expect((await attemptRows(input.referenceId))[0]).toMatchObject({ amount_minor: 1500 });
  });

  it('refuses bad input naming the fields, before writing anything or calling Stripe', async () => {
    const referenceId = newId();
    const requestsBefore = server.requests.length;
    const error = await caught(
      payments.startCardPayment(checkout, { purpose: 'donation', referenceId, amountMinor: 0, currency: 'XXX', shopperId: 'nobody' } as unknown as StartCardPaymentInput),
    );
    expect(error).toMatchObject({ type: 'validation', code: 'invalid_input' });
    expect(Object.keys((error as unknown as { fields: Record<string, string> }).fields)).toEqual(expect.arrayContaining(['purpose', 'amountMinor', 'currency', 'shopperId']));
    expect(server.requests.length).toBe(requestsBefore);
    expect(await attemptRows(referenceId)).toHaveLength(0);
  });

  it('lets a shopper pay only for themself', async () => {
    const shopperId = await createShopper();
    const referenceId = newId();
    const someoneElse: Actor = { type: 'shopper', shopperId: newId(), provider: 'guest' };
    const error = await caught(payments.startCardPayment(someoneElse, { purpose: 'wallet_top_up', referenceId, amountMinor: 1000, currency: 'EUR', shopperId }));
    expect(error).toMatchObject({ type: 'forbidden', code: 'shopper_mismatch' });
    expect(await attemptRows(referenceId)).toHaveLength(0);
  });

  it('refuses to start again once the payment has succeeded', async () => {
    const input: StartCardPaymentInput = { purpose: 'order', referenceId: newId(), amountMinor: 700, currency: 'EUR', shopperId: await createShopper() };
    await payments.startCardPayment(checkout, input);
    await environment.database.pool.query(`update payment_attempt set status = 'succeeded' where reference_id = $1`, [input.referenceId]);
    expect(await caught(payments.startCardPayment(checkout, input))).toMatchObject({ type: 'business_rule', code: 'payment_already_succeeded' });
  });
});

describe('PaymentsService.refundCardPayment', () => {
  it('refunds in parts, once per refund reference, and refuses more than is left', async () => {
    const input: StartCardPaymentInput = { purpose: 'order', referenceId: newId(), amountMinor: 3000, currency: 'EUR', shopperId: await createShopper() };
    const started = await payments.startCardPayment(checkout, input);
    server.succeedPaymentIntent(started.paymentIntentId);

    const refund = { purpose: 'order' as const, referenceId: input.referenceId, amountMinor: 1000, refundReference: 'order-refund-1' };
    const first = await payments.refundCardPayment(checkout, refund);
    const retried = await payments.refundCardPayment(checkout, refund);
    expect(retried).toEqual(first);
    expect(first).toMatchObject({ paymentIntentId: started.paymentIntentId, amountMinor: 1000, currency: 'EUR', status: 'succeeded' });

    const over = await caught(payments.refundCardPayment(checkout, { ...refund, amountMinor: 2001, refundReference: 'order-refund-2' }));
    expect(over).toMatchObject({ type: 'business_rule', code: 'refund_exceeds_remaining' });
    const rest = await payments.refundCardPayment(checkout, { purpose: 'order', referenceId: input.referenceId, refundReference: 'order-refund-3' });
    expect(rest.amountMinor).toBe(2000);
  });

  it('answers an unknown payment, or another shopper\'s, as not found', async () => {
    expect(await caught(payments.refundCardPayment(checkout, { purpose: 'order', referenceId: newId(), refundReference: 'r' }))).toMatchObject({ type: 'not_found', code: 'payment_attempt_not_found' });
    const input: StartCardPaymentInput = { purpose: 'wallet_top_up', referenceId: newId(), amountMinor: 1000, currency: 'EUR', shopperId: await createShopper() };
    await payments.startCardPayment(checkout, input);
    const stranger: Actor = { type: 'shopper', shopperId: newId(), provider: 'guest' };
    expect(await caught(payments.findAttempt(stranger, { purpose: 'wallet_top_up', referenceId: input.referenceId }))).toMatchObject({ type: 'not_found' });
  });
});
