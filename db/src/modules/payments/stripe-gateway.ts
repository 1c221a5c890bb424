import type Stripe from 'stripe';
import type { Config } from '../../config.ts';
import { ValidationError } from '../../errors.ts';
import { isSupportedCurrency, type CurrencyCode } from '../../money.ts';
import { WebhookSignatureInvalidError } from './payments.errors.ts';
import { mapStripeError, type GatewayOperation } from './stripe-error-mapping.ts';
import { loadStripe } from './stripe-sdk.ts';

/**
 * The one place that talks to Stripe, through the real SDK. Amounts are integer minor units on both sides:
 * for every currency Minishop supports, Stripe's `amount` is the same count of the same minor unit (cents
 * for EUR, yen for JPY, dong for VND). Currencies are upper-case here and lower-case on the wire.
 */
export interface CreatePaymentIntentInput {
  amountMinor: number;
  currency: CurrencyCode;
  /** Stripe keeps the first answer for a key for 24 hours: a retry with the same key returns the same intent. */
  idempotencyKey: string;
  metadata?: Record<string, string>;
  description?: string;
}

export interface GatewayPaymentIntent {
  id: string;
  status: Stripe.PaymentIntent.Status;
  amountMinor: number;
  currency: string;
  /** Handed to the shopper's browser (Stripe.js) to confirm the payment; never logged or stored. */
  clientSecret: string | null;
  metadata: Record<string, string>;
  latestChargeId: string | null;
}

export interface RefundInput {
  paymentIntentId: string;
  /** Omitted: refund everything that is left. */
  amountMinor?: number;
  idempotencyKey: string;
  reason?: 'duplicate' | 'fraudulent' | 'requested_by_customer';
  metadata?: Record<string, string>;
}

export interface GatewayRefund {
  id: string;
  paymentIntentId: string | null;
  amountMinor: number;
  currency: string;
  status: string | null;
}

export interface StripeGatewayOptions {
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

function upperCurrency(currency: string): string {
  return currency.toUpperCase();
}

function toGatewayPaymentIntent(intent: Stripe.PaymentIntent): GatewayPaymentIntent {
  return {
    id: intent.id,
    status: intent.status,
    amountMinor: intent.amount,
    currency: upperCurrency(intent.currency),
    clientSecret: intent.client_secret,
    metadata: intent.metadata,
    latestChargeId: typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null),
  };
}

function toGatewayRefund(refund: Stripe.Refund): GatewayRefund {
  return {
    id: refund.id,
    paymentIntentId: typeof refund.payment_intent === 'string' ? refund.payment_intent : (refund.payment_intent?.id ?? null),
    amountMinor: refund.amount,
    currency: upperCurrency(refund.currency),
    status: refund.status,
  };
}

function assertAmountMinor(amountMinor: number, field: string): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new ValidationError({ [field]: 'must be a positive whole number of minor units' });
}

export class StripeGateway {
  private client: Stripe | undefined;

  constructor(
    private readonly config: Config['stripe'],
    private readonly options: StripeGatewayOptions = {},
  ) {}

  /** The SDK's client, made on first use. */
  get stripe(): Stripe {
    this.client ??= new (loadStripe())(this.config.secretKey, {
      maxNetworkRetries: this.options.maxNetworkRetries ?? 2,
      timeout: this.options.timeoutMs ?? 20_000,
      telemetry: false,
      appInfo: { name: 'minishop' },
      ...(this.config.api ? { host: this.config.api.host, port: this.config.api.port, protocol: this.config.api.protocol } : {}),
    });
    return this.client;
  }

  private async call<Result>(operation: GatewayOperation, work: () => Promise<Result>): Promise<Result> {
    try {
      return await work();
    } catch (error) {
      throw mapStripeError(error, operation);
    }
  }

  async createPaymentIntent(input: CreatePaymentIntentInput): Promise<GatewayPaymentIntent> {
    assertAmountMinor(input.amountMinor, 'amountMinor');
    if (!isSupportedCurrency(input.currency)) throw new ValidationError({ currency: 'is not a supported currency' });
    const intent = await this.call('create_payment_intent', () =>
      this.stripe.paymentIntents.create(
        {
          amount: input.amountMinor,
          currency: input.currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          ...(input.metadata ? { metadata: input.metadata } : {}),
          ...(input.description ? { description: input.description } : {}),
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return toGatewayPaymentIntent(intent);
  }

  async retrievePaymentIntent(paymentIntentId: string): Promise<GatewayPaymentIntent> {
    return toGatewayPaymentIntent(await this.call('retrieve_payment_intent', () => this.stripe.paymentIntents.retrieve(paymentIntentId)));
  }

  async cancelPaymentIntent(input: { paymentIntentId: string; idempotencyKey: string }): Promise<GatewayPaymentIntent> {
    const intent = await this.call('cancel_payment_intent', () =>
      this.stripe.paymentIntents.cancel(input.paymentIntentId, { cancellation_reason: 'abandoned' }, { idempotencyKey: input.idempotencyKey }),
    );
    return toGatewayPaymentIntent(intent);
  }

  async refund(input: RefundInput): Promise<GatewayRefund> {
    if (input.amountMinor !== undefined) assertAmountMinor(input.amountMinor, 'amountMinor');
    const refund = await this.call('refund', () =>
      this.stripe.refunds.create(
        {
          payment_intent: input.paymentIntentId,
          ...(input.amountMinor === undefined ? {} : { amount: input.amountMinor }),
          ...(input.reason ? { reason: input.reason } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return toGatewayRefund(refund);
  }

  async retrieveRefund(refundId: string): Promise<GatewayRefund> {
    return toGatewayRefund(await this.call('refund', () => this.stripe.refunds.retrieve(refundId)));
  }

  /**
   * Verifies a webhook against the raw bytes Stripe signed (a re-serialized body would not verify) and
   * returns the event. Anything that does not verify is a WebhookSignatureInvalidError.
   */
  constructEvent(rawBody: Buffer | string, signatureHeader: string | string[] | undefined): Stripe.Event {
    if (typeof signatureHeader !== 'string' || signatureHeader === '') throw new WebhookSignatureInvalidError('the header is missing');
    try {
      return this.stripe.webhooks.constructEvent(rawBody, signatureHeader, this.config.webhookSecret);
    } catch (error) {
      if (error instanceof loadStripe().errors.StripeSignatureVerificationError) throw new WebhookSignatureInvalidError(error.message);
      // The signature verified but the bytes are not an event: Stripe never sends that, so nor do we accept it.
      throw new WebhookSignatureInvalidError(error instanceof Error ? error.message : 'the payload is not an event');
    }
  }
}

export function createStripeGateway(config: Config['stripe']): StripeGateway {
  return new StripeGateway(config);
}
