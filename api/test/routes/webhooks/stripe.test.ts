import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../../db/src/actor.ts';
import { newId } from '../../../../db/src/ids.ts';
import type { PaymentEventContext } from '../../../../db/src/modules/payments/payment-event-handlers.ts';
import { startFakeStripeServer, type FakeStripeServer } from '../../../../db/src/testing/stripe-server/stripe-server.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createGuestShopper } from '../../helpers/shoppers.ts';

let server: FakeStripeServer;
let testApp: TestApp;
let webhookUrl: string;
const checkout: Actor = { type: 'system', process: 'checkout' };

async function query<Row extends Record<string, unknown> = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
  return (await testApp.database.pool.query<Row>(text, values)).rows;
}

async function storedEvent(id: string) {
  return (await query('select * from payment_webhook_event where id = $1', [id]))[0];
}

async function eventCount(): Promise<number> {
  return Number((await query<{ count: string }>('select count(*) as count from payment_webhook_event'))[0]?.count);
}

/** A card payment started the way checkout will start it, so that our attempt exists. */
async function startPayment(amountMinor = 2500) {
  const { shopperId } = await createGuestShopper(testApp.app);
  const referenceId = newId();
  const started = await testApp.app.services.payments.startCardPayment(checkout, { purpose: 'order', referenceId, amountMinor, currency: 'EUR', shopperId });
  return { ...started, referenceId };
}

/** Registers a handler for the duration of one test. */
async function withHandler<Type extends Stripe.Event.Type>(type: Type, handler: (context: PaymentEventContext<Type>) => Promise<void> | void, work: () => Promise<void>) {
  const remove = testApp.app.services.payments.onEvent(type, handler);
  try {
    await work();
  } finally {
    remove();
  }
}

beforeAll(async () => {
  server = await startFakeStripeServer();
  testApp = await buildTestApp({ STRIPE_API_URL: server.url });
  const address = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  webhookUrl = `${address}/api/webhooks/stripe`;
  await query('create table webhook_test_effect (event_id text primary key, note text not null)');
});
afterAll(async () => {
  await testApp.close();
  await server.close();
});

describe('POST /api/webhooks/stripe: signatures', () => {
  it('accepts a correctly signed event, stores it processed and updates the projection', async () => {
    const { paymentIntentId } = await startPayment();
    const delivery = await server.deliverWebhook('payment_intent.succeeded', server.succeedPaymentIntent(paymentIntentId), { url: webhookUrl });

    expect(delivery.statusCode).toBe(200);
    expect(delivery.body).toEqual({ received: true, eventId: delivery.event.id, duplicate: false });
    expect(await storedEvent(delivery.event.id)).toMatchObject({ type: 'payment_intent.succeeded', object_id: paymentIntentId, delivery_count: 1, processed_at: expect.any(Date), last_error: null });
    expect((await query('select status, amount_minor, currency, amount_received_minor from payment_intent where id = $1', [paymentIntentId]))[0]).toEqual({
      status: 'succeeded',
      amount_minor: 2500,
      currency: 'EUR',
      amount_received_minor: 2500,
    });
  });

  it('refuses a tampered body, a wrong secret and a missing header with 400 invalid_signature, storing nothing', async () => {
    const { paymentIntentId } = await startPayment();
    const event = server.createEvent('payment_intent.succeeded', server.succeedPaymentIntent(paymentIntentId));
    const payload = JSON.stringify(event, null, 2);
    const before = await eventCount();

    const attempts = [
      { name: 'tampered body', body: payload.replace('"amount": 2500', '"amount": 1'), signature: server.signPayload(payload) },
      { name: 'wrong secret', body: payload, signature: server.signPayload(payload, { secret: 'whsec_someone_else' }) },
      { name: 'missing header', body: payload, signature: undefined },
      { name: 'garbage header', body: payload, signature: 'not-a-signature' },
    ];
    for (const attempt of attempts) {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/api/webhooks/stripe',
        headers: { 'content-type': 'application/json; charset=utf-8', ...(attempt.signature ? { 'stripe-signature': attempt.signature } : {}) },
        payload: attempt.body,
      });
      expect(response.statusCode, attempt.name).toBe(400);
      expect(response.json(), attempt.name).toMatchObject({ type: 'validation', code: 'invalid_signature' });
    }
    expect(await eventCount()).toBe(before);
    expect(await query('select 1 from payment_intent where id = $1', [paymentIntentId])).toHaveLength(0);
  });

  it('verifies the raw bytes: the same event signed and sent pretty-printed passes where a re-serialization would not', async () => {
    const { paymentIntentId } = await startPayment();
    const event = server.createEvent('payment_intent.processing', server.processPaymentIntent(paymentIntentId));
    const payload = JSON.stringify(event, null, 2);
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': server.signPayload(payload) },
      payload: Buffer.from(payload),
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('POST /api/webhooks/stripe: exactly once', () => {
  it('runs the handler once when Stripe delivers the same event twice', async () => {
    const { paymentIntentId } = await startPayment();
    const seen: string[] = [];
    await withHandler(
      'payment_intent.succeeded',
      async ({ event, transaction }) => {
        seen.push(event.id);
        await transaction.query('insert into webhook_test_effect (event_id, note) values ($1, $2)', [event.id, 'paid']);
      },
      async () => {
        const first = await server.deliverWebhook('payment_intent.succeeded', server.succeedPaymentIntent(paymentIntentId), { url: webhookUrl });
        const second = await server.redeliverWebhook(first.event, { url: webhookUrl });
        expect(first.body).toMatchObject({ duplicate: false });
        expect(second.statusCode).toBe(200);
        expect(second.body).toMatchObject({ eventId: first.event.id, duplicate: true });
        expect(seen).toEqual([first.event.id]);
        expect(await query('select note from webhook_test_effect where event_id = $1', [first.event.id])).toEqual([{ note: 'paid' }]);
        expect(await storedEvent(first.event.id)).toMatchObject({ delivery_count: 2, processed_at: expect.any(Date) });
      },
    );
  });

  it('runs the handler once when two deliveries of one event race each other', async () => {
    const { paymentIntentId } = await startPayment();
    let runs = 0;
    await withHandler(
      'payment_intent.succeeded',
      () => {
        runs += 1;
      },
      async () => {
        const event = server.createEvent('payment_intent.succeeded', server.succeedPaymentIntent(paymentIntentId));
        const answers = await Promise.all([1, 2, 3].map(() => server.redeliverWebhook(event, { url: webhookUrl })));
        expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200]);
        expect(answers.filter((answer) => (answer.body as { duplicate: boolean }).duplicate)).toHaveLength(2);
        expect(runs).toBe(1);
      },
    );
  });

  it('answers 500 when a handler fails, keeps the event unprocessed with nothing of its effects, and processes it on redelivery', async () => {
    const { paymentIntentId, attemptId } = await startPayment();
    let calls = 0;
    await withHandler(
      'payment_intent.succeeded',
      async ({ event, transaction }) => {
        calls += 1;
        await transaction.query('insert into webhook_test_effect (event_id, note) values ($1, $2)', [event.id, `call ${calls}`]);
        if (calls === 1) throw new Error('ledger unavailable');
      },
      async () => {
        const failed = await server.deliverWebhook('payment_intent.succeeded', server.succeedPaymentIntent(paymentIntentId), { url: webhookUrl });
        expect(failed.statusCode).toBe(500);
        expect(failed.body).toMatchObject({ type: 'internal', code: 'internal_error' });
        expect(await storedEvent(failed.event.id)).toMatchObject({ processed_at: null, delivery_count: 1, last_error: expect.stringContaining('ledger unavailable') });
        expect(await query('select 1 from webhook_test_effect where event_id = $1', [failed.event.id])).toHaveLength(0);
        expect(await query('select 1 from payment_intent where id = $1', [paymentIntentId])).toHaveLength(0);
        expect((await query('select status from payment_attempt where id = $1', [attemptId]))[0]).toEqual({ status: 'pending' });

        const retried = await server.redeliverWebhook(failed.event, { url: webhookUrl });
        expect(retried.statusCode).toBe(200);
        expect(retried.body).toMatchObject({ duplicate: false });
        expect(await storedEvent(failed.event.id)).toMatchObject({ processed_at: expect.any(Date), delivery_count: 2, last_error: null });
        expect(await query('select note from webhook_test_effect where event_id = $1', [failed.event.id])).toEqual([{ note: 'call 2' }]);
        expect((await query('select status from payment_attempt where id = $1', [attemptId]))[0]).toEqual({ status: 'succeeded' });
      },
    );
  });

  it('stores and acknowledges an event type nobody handles', async () => {
    const delivery = await server.deliverWebhook('customer.created', { id: 'cus_test_1', object: 'customer', email: null }, { url: webhookUrl });
    expect(delivery.statusCode).toBe(200);
    expect(await storedEvent(delivery.event.id)).toMatchObject({ type: 'customer.created', object_id: 'cus_test_1', processed_at: expect.any(Date) });
  });
});

describe('POST /api/webhooks/stripe: out-of-order delivery', () => {
  it('keeps the newer status when an older processing event arrives after succeeded, and tells handlers it is stale', async () => {
    const { paymentIntentId, attemptId } = await startPayment();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const processing = server.processPaymentIntent(paymentIntentId);
    const succeeded = server.succeedPaymentIntent(paymentIntentId);
    const seen: { type: string; isLatest: boolean; attemptId: string | undefined; createdAt: Date }[] = [];
    const record = (context: PaymentEventContext<'payment_intent.succeeded'> | PaymentEventContext<'payment_intent.processing'>) => {
      seen.push({ type: context.event.type, isLatest: context.isLatest, attemptId: context.attempt?.id, createdAt: context.createdAt });
    };
    const removeProcessing = testApp.app.services.payments.onEvent('payment_intent.processing', record);
    try {
      await withHandler('payment_intent.succeeded', record, async () => {
        expect((await server.deliverWebhook('payment_intent.succeeded', succeeded, { url: webhookUrl, createdSeconds: nowSeconds })).statusCode).toBe(200);
        expect((await server.deliverWebhook('payment_intent.processing', processing, { url: webhookUrl, createdSeconds: nowSeconds - 5 })).statusCode).toBe(200);
      });
    } finally {
      removeProcessing();
    }

    expect(seen).toEqual([
      { type: 'payment_intent.succeeded', isLatest: true, attemptId, createdAt: new Date(nowSeconds * 1000) },
      { type: 'payment_intent.processing', isLatest: false, attemptId, createdAt: new Date((nowSeconds - 5) * 1000) },
    ]);
    expect((await query('select status, last_event_created_at from payment_intent where id = $1', [paymentIntentId]))[0]).toEqual({
      status: 'succeeded',
      last_event_created_at: new Date(nowSeconds * 1000),
    });
    expect((await query('select status from payment_attempt where id = $1', [attemptId]))[0]).toEqual({ status: 'succeeded' });
  });

  it('keeps requires_action when an older requires_payment_method event arrives late', async () => {
    const { paymentIntentId, attemptId } = await startPayment();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const created = server.getPaymentIntent(paymentIntentId);
    const requiresAction = server.requireActionForPaymentIntent(paymentIntentId);
    await server.deliverWebhook('payment_intent.requires_action', requiresAction, { url: webhookUrl, createdSeconds: nowSeconds });
    await server.deliverWebhook('payment_intent.created', created, { url: webhookUrl, createdSeconds: nowSeconds - 10 });
    expect((await query('select status from payment_intent where id = $1', [paymentIntentId]))[0]).toEqual({ status: 'requires_action' });
    expect((await query('select status from payment_attempt where id = $1', [attemptId]))[0]).toEqual({ status: 'requires_action' });
  });
});

describe('a card payment end to end', () => {
  it('follows the events Stripe raises: created, failed, succeeded, refunded', async () => {
    const { paymentIntentId, attemptId } = await startPayment(5000);
    server.failPaymentIntent(paymentIntentId, { declineCode: 'insufficient_funds' });
    const failedEvent = server.events.filter((event) => event.type === 'payment_intent.payment_failed').at(-1);
    await server.redeliverWebhook(failedEvent as Stripe.Event, { url: webhookUrl });
    expect((await query('select status, failure_code from payment_attempt where id = $1', [attemptId]))[0]).toEqual({ status: 'failed', failure_code: 'card_declined' });

    server.succeedPaymentIntent(paymentIntentId);
    const { referenceId } = (await query<{ reference_id: string }>('select reference_id from payment_attempt where id = $1', [attemptId])).map((row) => ({ referenceId: row.reference_id }))[0] ?? { referenceId: '' };
    await testApp.app.services.payments.refundCardPayment(checkout, { purpose: 'order', referenceId, amountMinor: 1200, refundReference: 'refund-1' });

    const ours = server.events.filter((event) => {
      const object = event.data.object as { id?: string; payment_intent?: string };
      return object.id === paymentIntentId || object.payment_intent === paymentIntentId;
    });
    for (const event of ours) {
      const delivery = await server.redeliverWebhook(event, { url: webhookUrl });
      expect(delivery.statusCode, event.type).toBe(200);
    }
    expect(ours.map((event) => event.type)).toEqual([
      'payment_intent.created',
      'payment_intent.payment_failed',
      'charge.succeeded',
      'payment_intent.succeeded',
      'refund.created',
      'charge.refunded',
    ]);
    expect((await query('select status, amount_refunded_minor, amount_received_minor from payment_intent where id = $1', [paymentIntentId]))[0]).toEqual({
      status: 'succeeded',
      amount_refunded_minor: 1200,
      amount_received_minor: 5000,
    });
    expect((await query('select status, failure_code from payment_attempt where id = $1', [attemptId]))[0]).toEqual({ status: 'succeeded', failure_code: null });
  });
});
