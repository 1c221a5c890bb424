import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeForm } from './form-encoding.ts';
import { startFakeStripeServer, type FakeStripeServer } from './stripe-server.ts';

let server: FakeStripeServer;
let stripe: Stripe;

function sdkFor(url: string, key = 'sk_test_fake_server'): Stripe {
  const { hostname, port } = new URL(url);
  return new Stripe(key, { host: hostname, port: Number(port), protocol: 'http', maxNetworkRetries: 0, telemetry: false });
}

async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await startFakeStripeServer();
  stripe = sdkFor(server.url);
});
afterAll(() => server.close());

describe('form decoding', () => {
  it('turns bracketed keys back into the nested objects and arrays the SDK encoded', () => {
    expect(decodeForm('amount=1299&metadata[order_id]=o-1&payment_method_types[0]=card&payment_method_types[1]=link&automatic_payment_methods[enabled]=true')).toEqual({
      amount: '1299',
      metadata: { order_id: 'o-1' },
      payment_method_types: ['card', 'link'],
      automatic_payment_methods: { enabled: 'true' },
    });
  });
});

describe('the fake Stripe API through the real SDK', () => {
  it('creates a payment intent in Stripe\'s shape from a form-encoded body', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1299, currency: 'EUR', metadata: { order_id: 'o-1' }, automatic_payment_methods: { enabled: true } });
    expect(intent).toMatchObject({
      object: 'payment_intent',
      amount: 1299,
      currency: 'eur',
      status: 'requires_payment_method',
      metadata: { order_id: 'o-1' },
      automatic_payment_methods: { enabled: true },
      latest_charge: null,
      livemode: false,
    });
    expect(intent.id).toMatch(/^pi_[A-Za-z0-9]{24}$/);
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));
    const [request] = server.requestsTo('POST', '/v1/payment_intents').slice(-1);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.parameters).toMatchObject({ amount: '1299', currency: 'EUR', metadata: { order_id: 'o-1' } });
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({ id: intent.id, amount: 1299 });
  });

  it('answers the same Idempotency-Key and parameters with the first answer, and creates once', async () => {
    const before = server.account.paymentIntents.size;
    const first = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' }, { idempotencyKey: 'same-key-1' });
    const second = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' }, { idempotencyKey: 'same-key-1' });
    expect(second.id).toBe(first.id);
    expect(server.account.paymentIntents.size).toBe(before + 1);
    const requests = server.requests.filter((request) => request.idempotencyKey === 'same-key-1');
    expect(requests.map((request) => request.replayed)).toEqual([false, true]);
  });

  it('refuses the same Idempotency-Key with other parameters with Stripe\'s idempotency error', async () => {
    await stripe.paymentIntents.create({ amount: 700, currency: 'usd' }, { idempotencyKey: 'same-key-2' });
    const error = await caught(stripe.paymentIntents.create({ amount: 701, currency: 'usd' }, { idempotencyKey: 'same-key-2' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('can only be used with the same parameters');
    const other = await caught(stripe.refunds.create({ payment_intent: 'pi_x' }, { idempotencyKey: 'same-key-2' }));
    expect(other.message).toContain('same endpoint');
  });

  it('names a missing, unknown or malformed parameter, and does not keep that answer for the key', async () => {
    const missing = await caught(stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams, { idempotencyKey: 'validation-key' }));
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ type: 'StripeInvalidRequestError', code: 'parameter_missing', param: 'amount', statusCode: 400 });
    const unknown = await caught(stripe.paymentIntents.create({ amount: 100, currency: 'usd', colour: 'red' } as Stripe.PaymentIntentCreateParams));
    expect(unknown).toMatchObject({ code: 'parameter_unknown', param: 'colour', message: 'Received unknown parameter: colour' });
    const tooSmall = await caught(stripe.paymentIntents.create({ amount: 10, currency: 'eur' }));
    expect(tooSmall).toMatchObject({ code: 'amount_too_small', param: 'amount', message: 'Amount must be at least €0.50 eur' });
    // The key did not execute, so it may be used again with corrected parameters.
    const fixed = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'validation-key' });
    expect(fixed.amount).toBe(100);
  });

  it('confirms with Stripe\'s test cards: success, decline and authentication', async () => {
    const succeeded = await stripe.paymentIntents.create({ amount: 2500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true });
    expect(succeeded).toMatchObject({ status: 'succeeded', amount_received: 2500 });
    expect(succeeded.latest_charge).toMatch(/^ch_/);

    const declinedIntent = await stripe.paymentIntents.create({ amount: 2500, currency: 'eur' });
    const declined = await caught(stripe.paymentIntents.confirm(declinedIntent.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' }));
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(declined).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'insufficient_funds' });
    expect(server.getPaymentIntent(declinedIntent.id)).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' } });

    const authenticating = await stripe.paymentIntents.confirm(declinedIntent.id, { payment_method: 'pm_card_authenticationRequired' });
    expect(authenticating).toMatchObject({ status: 'requires_action', next_action: { type: 'use_stripe_sdk' } });

    const again = await caught(stripe.paymentIntents.confirm(succeeded.id, { payment_method: 'pm_card_visa' }));
    expect(again).toMatchObject({ code: 'payment_intent_unexpected_state', statusCode: 400 });
  });

  it('cancels an open intent and refuses to cancel a succeeded one', async () => {
    const open = await stripe.paymentIntents.create({ amount: 900, currency: 'gbp' });
    expect(await stripe.paymentIntents.cancel(open.id, { cancellation_reason: 'abandoned' })).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    const paid = await stripe.paymentIntents.create({ amount: 900, currency: 'gbp', payment_method: 'pm_card_visa', confirm: true });
    const error = await caught(stripe.paymentIntents.cancel(paid.id));
    expect(error).toMatchObject({ code: 'payment_intent_unexpected_state' });
    expect(error.message).toContain('status of succeeded');
  });

  it('refunds partially, then the rest, then refuses more with Stripe\'s errors', async () => {
    const paid = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const partial = await stripe.refunds.create({ payment_intent: paid.id, amount: 300 });
    expect(partial).toMatchObject({ object: 'refund', amount: 300, currency: 'usd', payment_intent: paid.id, status: 'succeeded' });
    expect(await stripe.refunds.retrieve(partial.id)).toMatchObject({ id: partial.id, amount: 300 });

    const over = await caught(stripe.refunds.create({ payment_intent: paid.id, amount: 701 }));
    expect(over).toMatchObject({ code: 'amount_too_large', param: 'amount', statusCode: 400 });
    expect(over.message).toBe('Refund amount ($7.01) is greater than unrefunded amount on charge ($7.00)');

    const rest = await stripe.refunds.create({ payment_intent: paid.id });
    expect(rest.amount).toBe(700);
    expect(server.account.charges.get(String(paid.latest_charge))).toMatchObject({ amount_refunded: 1000, refunded: true });
    expect(await caught(stripe.refunds.create({ payment_intent: paid.id, amount: 1 }))).toMatchObject({ code: 'charge_already_refunded' });

    const unpaid = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expect(await caught(stripe.refunds.create({ payment_intent: unpaid.id }))).toMatchObject({ code: 'payment_intent_unexpected_state' });
  });

  it('books a balance transaction per charge and refund, listed newest first by created range, page by page', async () => {
    const own = await startFakeStripeServer();
    try {
      const sdk = sdkFor(own.url);
      const nowSeconds = Math.floor(Date.now() / 1000);
      const paid = [];
      for (let index = 0; index < 5; index += 1) paid.push(await sdk.paymentIntents.create({ amount: 1000 + index, currency: 'eur', payment_method: 'pm_card_visa', confirm: true }));
      const refund = await sdk.refunds.create({ payment_intent: paid[0]!.id, amount: 400 });
      // A declined card moves no money and books nothing.
      await caught(sdk.paymentIntents.create({ amount: 999, currency: 'eur', payment_method: 'pm_card_chargeDeclined', confirm: true }));

      const listed: Stripe.BalanceTransaction[] = [];
      for await (const transaction of sdk.balanceTransactions.list({ created: { gte: nowSeconds - 5, lt: nowSeconds + 5 }, limit: 2, expand: ['data.source'] })) listed.push(transaction);
      expect(listed).toHaveLength(6);
      // Three pages of two, each asked with the last id of the page before.
      expect(own.requestsTo('GET', '/v1/balance_transactions').map((request) => request.parameters.starting_after ?? null)).toEqual([null, listed[1]!.id, listed[3]!.id]);
      expect(listed[0]).toMatchObject({ object: 'balance_transaction', type: 'refund', amount: -400, currency: 'eur', reporting_category: 'refund', source: { id: refund.id, payment_intent: paid[0]!.id } });
      expect(listed.slice(1).map((transaction) => transaction.amount)).toEqual([1004, 1003, 1002, 1001, 1000]);
      expect(listed[5]).toMatchObject({ type: 'charge', source: { object: 'charge', payment_intent: paid[0]!.id }, net: 1000, fee: 0 });
      expect(listed[5]!.id).toBe(own.account.charges.get(String(paid[0]!.latest_charge))!.balance_transaction);

      expect((await sdk.balanceTransactions.list({ created: { lt: nowSeconds - 5 } })).data).toEqual([]);
      expect((await sdk.balanceTransactions.list({ type: 'refund' })).data.map((transaction) => transaction.source)).toEqual([refund.id]);
      expect(await caught(sdk.balanceTransactions.list({ limit: 101 }))).toMatchObject({ statusCode: 400, param: 'limit' });
    } finally {
      await own.close();
    }
  });

  it('answers unknown ids with resource_missing and 404', async () => {
    expect(await caught(stripe.paymentIntents.retrieve('pi_missing'))).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such payment_intent: 'pi_missing'" });
    expect(await caught(stripe.refunds.retrieve('re_missing'))).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('keeps the answer of a declined payment for its key, as Stripe does', async () => {
    const first = await caught(stripe.paymentIntents.create({ amount: 800, currency: 'eur', payment_method: 'pm_card_chargeDeclined', confirm: true }, { idempotencyKey: 'declined-key' }));
    const second = await caught(stripe.paymentIntents.create({ amount: 800, currency: 'eur', payment_method: 'pm_card_chargeDeclined', confirm: true }, { idempotencyKey: 'declined-key' }));
    expect(first).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(second).toMatchObject({ code: 'card_declined', requestId: expect.any(String) });
    expect(server.requests.filter((request) => request.idempotencyKey === 'declined-key').map((request) => request.replayed)).toEqual([false, true]);
  });

  it('moves intents by test controls and records the events Stripe would send', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1500, currency: 'eur' });
    expect(server.processPaymentIntent(intent.id).status).toBe('processing');
    const failed = server.failPaymentIntent(intent.id, { declineCode: 'lost_card' });
    expect(failed).toMatchObject({ status: 'requires_payment_method', last_payment_error: { decline_code: 'lost_card' } });
    const succeeded = server.succeedPaymentIntent(intent.id);
    expect(succeeded).toMatchObject({ status: 'succeeded', amount_received: 1500 });
    const types = server.events.filter((event) => (event.data.object as { id?: string }).id === intent.id).map((event) => event.type);
    expect(types).toEqual(['payment_intent.created', 'payment_intent.processing', 'payment_intent.payment_failed', 'payment_intent.succeeded']);
  });

  it('refuses a request without a valid secret key', async () => {
    const strict = await startFakeStripeServer({ apiKey: 'sk_test_only_this_one' });
    try {
      const error = await caught(sdkFor(strict.url, 'sk_test_another_key_entirely').paymentIntents.create({ amount: 100, currency: 'usd' }));
      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(error.statusCode).toBe(401);
    } finally {
      await strict.close();
    }
  });
});

describe('webhook delivery', () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { body: string; signature: string | undefined }[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: request.headers['stripe-signature'] as string | undefined });
        response.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('POSTs a real Event signed with the SDK\'s test header, which the SDK verifies', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1200, currency: 'eur' });
    const delivery = await server.deliverWebhook('payment_intent.succeeded', server.succeedPaymentIntent(intent.id), { url: receiverUrl, createdSeconds: 1_700_000_000 });
    expect(delivery.statusCode).toBe(200);
    const last = received.at(-1);
    expect(last?.body).toBe(delivery.payload);
    const event = stripe.webhooks.constructEvent(last?.body ?? '', last?.signature ?? '', server.webhookSecret);
    expect(event).toMatchObject({ id: delivery.event.id, object: 'event', type: 'payment_intent.succeeded', created: 1_700_000_000, data: { object: { id: intent.id, status: 'succeeded' } } });
    expect(() => stripe.webhooks.constructEvent(last?.body ?? '', last?.signature ?? '', 'whsec_another_secret')).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });
});
