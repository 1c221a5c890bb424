import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { DomainError } from '../../errors.ts';
import { startFakeStripeServer, type FakeStripeServer } from '../../testing/stripe-server/stripe-server.ts';
import type { CardRefunder } from '../orders/order-refunds.service.ts';
import { CardDeclinedError, PaymentProviderUnavailableError, WebhookSignatureInvalidError } from './payments.errors.ts';
import { mapStripeError } from './stripe-error-mapping.ts';
import { StripeGateway } from './stripe-gateway.ts';
import { loadStripe } from './stripe-sdk.ts';

let server: FakeStripeServer;
let gateway: StripeGateway;

function gatewayFor(url: string, overrides: Record<string, string> = {}): StripeGateway {
  return new StripeGateway(loadConfig({}, { NODE_ENV: 'test', STRIPE_API_URL: url, ...overrides }).stripe, { maxNetworkRetries: 0 });
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** A payment intent that a shopper has paid, as Stripe would have it after Stripe.js confirmed it. */
async function paidIntent(amountMinor: number, key: string): Promise<string> {
  const intent = await gateway.createPaymentIntent({ amountMinor, currency: 'EUR', idempotencyKey: key });
  server.succeedPaymentIntent(intent.id);
  return intent.id;
}

beforeAll(async () => {
  server = await startFakeStripeServer();
  gateway = gatewayFor(server.url);
});
afterAll(() => server.close());

describe('StripeGateway.createPaymentIntent', () => {
  it('sends minor units, a lower-case currency and our idempotency key; a retry gets the same intent and Stripe creates one', async () => {
    const input = { amountMinor: 1299, currency: 'EUR' as const, idempotencyKey: 'order:0193e3f0-0000-7000-8000-000000000001', metadata: { purpose: 'order' } };
    const first = await gateway.createPaymentIntent(input);
    const retry = await gateway.createPaymentIntent(input);

    expect(first).toMatchObject({ amountMinor: 1299, currency: 'EUR', status: 'requires_payment_method', metadata: { purpose: 'order' } });
    expect(first.clientSecret).toMatch(new RegExp(`^${first.id}_secret_`));
    expect(retry).toEqual(first);
    const creations = server.requestsTo('POST', '/v1/payment_intents').filter((request) => request.idempotencyKey === input.idempotencyKey);
    expect(creations.map((request) => request.headers['idempotency-key'])).toEqual([input.idempotencyKey, input.idempotencyKey]);
    expect(creations.map((request) => request.replayed)).toEqual([false, true]);
    expect(creations[0]?.parameters).toMatchObject({ amount: '1299', currency: 'eur', automatic_payment_methods: { enabled: 'true' } });
    expect([...server.account.paymentIntents.values()].filter((intent) => intent.id === first.id)).toHaveLength(1);
  });

  it('turns the same key with another amount into a conflict, not a second intent', async () => {
    const key = 'order:0193e3f0-0000-7000-8000-000000000002';
    await gateway.createPaymentIntent({ amountMinor: 1000, currency: 'EUR', idempotencyKey: key });
    const count = server.account.paymentIntents.size;
    const error = await caught(gateway.createPaymentIntent({ amountMinor: 1001, currency: 'EUR', idempotencyKey: key }));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ type: 'conflict', code: 'payment_idempotency_conflict' });
    expect(server.account.paymentIntents.size).toBe(count);
  });

  it('answers an amount below Stripe\'s minimum as a validation error on amountMinor', async () => {
    const error = await caught(gateway.createPaymentIntent({ amountMinor: 10, currency: 'EUR', idempotencyKey: 'order:too-small' }));
    expect(error).toMatchObject({ type: 'validation', code: 'payment_amount_too_small', fields: { amountMinor: 'Amount must be at least €0.50 eur' } });
  });

  it('refuses a fractional or negative amount before calling Stripe', async () => {
    server.clearRequests();
    for (const amountMinor of [12.5, -1, 0]) {
      expect(await caught(gateway.createPaymentIntent({ amountMinor, currency: 'EUR', idempotencyKey: `order:bad-${amountMinor}` }))).toMatchObject({ type: 'validation' });
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('StripeGateway.refund', () => {
  it('is the card refunder the orders module expects', async () => {
    const refunder: CardRefunder = gateway;
    const paymentIntentId = await paidIntent(1500, 'order:orders-seam');
    expect(await refunder.refund({ paymentIntentId, amountMinor: 500, idempotencyKey: 'order_refund:seam', metadata: { refundId: 'seam' } })).toMatchObject({ status: 'succeeded' });
  });

  it('refunds everything that is left when no amount is given', async () => {
    const paymentIntentId = await paidIntent(2000, 'order:full-refund');
    const refund = await gateway.refund({ paymentIntentId, idempotencyKey: 'refund:full' });
    expect(refund).toMatchObject({ paymentIntentId, amountMinor: 2000, currency: 'EUR', status: 'succeeded' });
    expect(await gateway.retrieveRefund(refund.id)).toEqual(refund);
  });

  it('refunds in parts, never twice for one key, and refuses more than is left with a stable code', async () => {
    const paymentIntentId = await paidIntent(1000, 'order:partial-refund');
    const first = await gateway.refund({ paymentIntentId, amountMinor: 400, idempotencyKey: 'refund:partial:1' });
    const retried = await gateway.refund({ paymentIntentId, amountMinor: 400, idempotencyKey: 'refund:partial:1' });
    expect(retried.id).toBe(first.id);
    await gateway.refund({ paymentIntentId, amountMinor: 500, idempotencyKey: 'refund:partial:2' });

    const over = await caught(gateway.refund({ paymentIntentId, amountMinor: 101, idempotencyKey: 'refund:partial:3' }));
    expect(over).toMatchObject({ type: 'business_rule', code: 'refund_exceeds_remaining', fields: { amountMinor: 'is more than what is left to refund' } });
    expect(over.message).toBe('Refund amount (€1.01) is greater than unrefunded amount on charge (€1.00)');

    await gateway.refund({ paymentIntentId, amountMinor: 100, idempotencyKey: 'refund:partial:4' });
    expect(await caught(gateway.refund({ paymentIntentId, amountMinor: 1, idempotencyKey: 'refund:partial:5' }))).toMatchObject({ code: 'payment_already_refunded' });
    const charge = [...server.account.charges.values()].find((candidate) => candidate.payment_intent === paymentIntentId);
    expect(charge).toMatchObject({ amount_refunded: 1000, refunded: true });
  });

  it('refuses to refund a payment that has not succeeded', async () => {
    const intent = await gateway.createPaymentIntent({ amountMinor: 1000, currency: 'EUR', idempotencyKey: 'order:unpaid' });
    expect(await caught(gateway.refund({ paymentIntentId: intent.id, idempotencyKey: 'refund:unpaid' }))).toMatchObject({ type: 'business_rule', code: 'payment_intent_unexpected_state' });
  });

  it('answers an unknown payment intent as not found', async () => {
    expect(await caught(gateway.retrievePaymentIntent('pi_unknown'))).toMatchObject({ type: 'not_found', code: 'payment_provider_resource_missing' });
    expect(await caught(gateway.refund({ paymentIntentId: 'pi_unknown', idempotencyKey: 'refund:unknown' }))).toMatchObject({ type: 'not_found' });
  });
});

describe('Stripe errors that are not the caller\'s fault', () => {
  it('reports refused credentials as misconfiguration, not a domain error', async () => {
    const strict = await startFakeStripeServer({ apiKey: 'sk_test_the_right_key' });
    try {
      const error = await caught(gatewayFor(strict.url, { STRIPE_SECRET_KEY: 'sk_test_the_wrong_key' }).createPaymentIntent({ amountMinor: 100, currency: 'USD', idempotencyKey: 'k' }));
      expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
      expect(error).not.toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'payment_provider_misconfigured' });
    } finally {
      await strict.close();
    }
  });

  it('reports an unreachable Stripe as unavailable, so that jobs retry it', async () => {
    const closed = await startFakeStripeServer();
    const url = closed.url;
    await closed.close();
    const error = await caught(gatewayFor(url).createPaymentIntent({ amountMinor: 100, currency: 'USD', idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect(error).toMatchObject({ code: 'payment_provider_unavailable' });
  });

  it('maps a card decline to card_declined with the decline code', () => {
    // The SDK's error class as the gateway loads it (its CommonJS build, on first use: stripe-sdk.ts).
    const mapped = mapStripeError(new (loadStripe().errors.StripeCardError)({ message: 'Your card has insufficient funds.', code: 'card_declined', decline_code: 'insufficient_funds' }), 'create_payment_intent');
    expect(mapped).toBeInstanceOf(CardDeclinedError);
    expect(mapped).toMatchObject({ type: 'business_rule', code: 'card_declined', declineCode: 'insufficient_funds' });
  });
});

describe('StripeGateway.constructEvent', () => {
  const payload = JSON.stringify({ id: 'evt_test_1', object: 'event', type: 'payment_intent.created', created: 1, data: { object: { id: 'pi_1', object: 'payment_intent' } } }, null, 2);

  it('returns the event when the signature covers these exact bytes', () => {
    expect(gateway.constructEvent(Buffer.from(payload), server.signPayload(payload))).toMatchObject({ id: 'evt_test_1', type: 'payment_intent.created' });
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp and a missing header with invalid_signature', () => {
    const signature = server.signPayload(payload);
    const cases: [string, Buffer, string | undefined][] = [
      ['tampered', Buffer.from(payload.replace('pi_1', 'pi_2')), signature],
      ['re-serialized', Buffer.from(JSON.stringify(JSON.parse(payload))), signature],
      ['wrong secret', Buffer.from(payload), server.signPayload(payload, { secret: 'whsec_not_ours' })],
      ['stale', Buffer.from(payload), server.signPayload(payload, { timestampSeconds: Math.floor(Date.now() / 1000) - 3600 })],
      ['missing', Buffer.from(payload), undefined],
    ];
    for (const [name, body, header] of cases) {
      let error: unknown;
      try {
        gateway.constructEvent(body, header);
      } catch (thrown) {
        error = thrown;
      }
      expect(error, name).toBeInstanceOf(WebhookSignatureInvalidError);
      expect(error, name).toMatchObject({ type: 'validation', code: 'invalid_signature' });
    }
  });
});
