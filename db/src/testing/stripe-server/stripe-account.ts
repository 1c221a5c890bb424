import type Stripe from 'stripe';
import type { FormObject } from './form-encoding.ts';
import {
  metadataParameter,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
  rejectUnknownParameters,
  requiredPositiveInteger,
  requiredString,
} from './parameters.ts';
import { balanceTransactionObject, listBalanceTransactions } from './balance-transactions.ts';
import { cardDeclined, invalidParameter, invalidRequest, resourceMissing } from './stripe-api-errors.ts';
import { chargeObject, eventObject, nowSeconds, paymentIntentObject, refundObject, stripeId, type EventRequest } from './stripe-objects.ts';

/** Stripe's test payment methods that decline, with the error Stripe answers them with. */
const DECLINING_PAYMENT_METHODS: Record<string, { code: string; declineCode?: string; message: string }> = {
  pm_card_chargeDeclined: { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' },
  pm_card_chargeDeclinedInsufficientFunds: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  pm_card_chargeDeclinedExpiredCard: { code: 'expired_card', message: 'Your card has expired.' },
  pm_card_chargeDeclinedIncorrectCvc: { code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
};
const AUTHENTICATING_PAYMENT_METHODS = new Set(['pm_card_authenticationRequired', 'pm_card_threeDSecure2Required', 'pm_card_threeDSecureRequired']);

/** Stripe's minimum charge amounts for the currencies we use, in minor units. */
const MINIMUM_AMOUNT_BY_CURRENCY: Record<string, number> = { usd: 50, eur: 50, gbp: 30, chf: 50, jpy: 50, sgd: 50, cad: 50, aud: 50, thb: 1000, cny: 400 };
const MAXIMUM_AMOUNT = 99_999_999;
const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];
const SUPPORTED_CURRENCIES = new Set(Intl.supportedValuesOf('currency').map((code) => code.toLowerCase()));

/** `1299, 'eur'` -> `€12.99` without floating point: the digits are split as text. */
function formatAmount(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
  const exponent = format.resolvedOptions().maximumFractionDigits ?? 2;
  const digits = String(amount).padStart(exponent + 1, '0');
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return format.format(major as unknown as number);
}

export interface PaymentFailure {
  code?: string;
  declineCode?: string;
  message?: string;
}

/**
 * One Stripe account held in memory: payment intents, their charges and refunds, and the events their
 * changes raise. Every method answers as Stripe's API would, throwing `StripeApiError`s in Stripe's shape.
 */
export class FakeStripeAccount {
  readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();
  readonly charges = new Map<string, Stripe.Charge>();
  readonly refunds = new Map<string, Stripe.Refund>();
  /** The balance's movements, oldest first: one per succeeded charge and one per refund. */
  readonly balanceTransactions: Stripe.BalanceTransaction[] = [];
  /** Every event the account raised, oldest first, as Stripe would list them. */
  readonly events: Stripe.Event[] = [];

  constructor(private readonly apiVersion: string) {}

  createEvent(type: string, object: unknown, options: { createdSeconds?: number; request?: EventRequest; previousAttributes?: Record<string, unknown> } = {}): Stripe.Event {
    return eventObject(type, object, { apiVersion: this.apiVersion, ...options });
  }

  private raise(type: string, object: unknown, request?: EventRequest, previousAttributes?: Record<string, unknown>): void {
    this.events.push(this.createEvent(type, object, { ...(request ? { request } : {}), ...(previousAttributes ? { previousAttributes } : {}) }));
  }

  private intent(id: string): Stripe.PaymentIntent {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw resourceMissing('payment_intent', id);
    return intent;
  }

  createPaymentIntent(parameters: FormObject, request: EventRequest): Stripe.PaymentIntent {
    rejectUnknownParameters(parameters, [
      'amount', 'currency', 'metadata', 'automatic_payment_methods', 'payment_method', 'payment_method_types', 'confirm', 'description', 'receipt_email', 'return_url', 'expand',
    ]);
    const amount = requiredPositiveInteger(parameters, 'amount');
    const currency = requiredString(parameters, 'currency').toLowerCase();
    if (!SUPPORTED_CURRENCIES.has(currency)) throw invalidParameter(undefined, `Invalid currency: ${currency}. Stripe currently supports these currencies: eur, usd, ...`, 'currency');
    const automatic = optionalObject(parameters, 'automatic_payment_methods');
    const automaticEnabled = automatic ? optionalBoolean(automatic, 'enabled') : null;
    if (automatic && automaticEnabled === null) throw invalidParameter('parameter_missing', 'Missing required param: automatic_payment_methods[enabled].', 'automatic_payment_methods[enabled]');
    const metadata = metadataParameter(parameters);
    const paymentMethod = optionalString(parameters, 'payment_method');
    const paymentMethodTypes = optionalStringList(parameters, 'payment_method_types');
    const confirm = optionalBoolean(parameters, 'confirm') ?? false;
    if (automaticEnabled && paymentMethodTypes) {
      throw invalidParameter(undefined, 'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.', 'automatic_payment_methods');
    }
    const minimum = MINIMUM_AMOUNT_BY_CURRENCY[currency] ?? 1;
    if (amount < minimum) throw invalidRequest('amount_too_small', `Amount must be at least ${formatAmount(minimum, currency)} ${currency}`, 'amount');
    if (amount > MAXIMUM_AMOUNT) throw invalidRequest('amount_too_large', `Amount must be no more than ${formatAmount(MAXIMUM_AMOUNT, currency)}`, 'amount');

    const intent = paymentIntentObject({
      amount,
      currency,
      metadata,
      description: optionalString(parameters, 'description'),
      paymentMethod,
      paymentMethodTypes: paymentMethodTypes ?? ['card'],
      automaticPaymentMethods: automaticEnabled ?? !paymentMethodTypes,
      receiptEmail: optionalString(parameters, 'receipt_email'),
    });
    this.paymentIntents.set(intent.id, intent);
    this.raise('payment_intent.created', intent, request);
    if (confirm) this.confirm(intent, paymentMethod, request);
    return intent;
  }

  retrievePaymentIntent(id: string): Stripe.PaymentIntent {
    return this.intent(id);
  }

  confirmPaymentIntent(id: string, parameters: FormObject, request: EventRequest): Stripe.PaymentIntent {
    const intent = this.intent(id);
    rejectUnknownParameters(parameters, ['payment_method', 'return_url', 'receipt_email', 'expand']);
    return this.confirm(intent, optionalString(parameters, 'payment_method'), request);
  }

  private confirm(intent: Stripe.PaymentIntent, givenPaymentMethod: string | null, request: EventRequest): Stripe.PaymentIntent {
    if (!CONFIRMABLE.includes(intent.status)) {
      throw invalidRequest(
        'payment_intent_unexpected_state',
        `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
      );
    }
    const paymentMethod = givenPaymentMethod ?? (typeof intent.payment_method === 'string' ? intent.payment_method : null);
    if (!paymentMethod) {
      throw invalidRequest(
        'payment_intent_unexpected_state',
        "You cannot confirm this PaymentIntent because it's missing a payment method. Update the PaymentIntent with a payment method and then confirm it again.",
      );
    }
    if (!paymentMethod.startsWith('pm_card_')) throw resourceMissing('PaymentMethod', paymentMethod, 'payment_method');
    intent.payment_method = paymentMethod;
    const decline = DECLINING_PAYMENT_METHODS[paymentMethod];
    if (decline) {
      const chargeId = stripeId('ch');
      this.markFailed(intent, { code: decline.code, message: decline.message, ...(decline.declineCode ? { declineCode: decline.declineCode } : {}) }, request, chargeId);
      throw cardDeclined(decline.code, decline.declineCode, decline.message, { charge: chargeId, payment_intent: structuredClone(intent) });
    }
    if (AUTHENTICATING_PAYMENT_METHODS.has(paymentMethod)) {
      this.markRequiresAction(intent, request);
      return intent;
    }
    this.markSucceeded(intent, request);
    return intent;
  }

  cancelPaymentIntent(id: string, parameters: FormObject, request: EventRequest): Stripe.PaymentIntent {
    const intent = this.intent(id);
    rejectUnknownParameters(parameters, ['cancellation_reason', 'expand']);
    const reason = optionalString(parameters, 'cancellation_reason');
    if (reason && !['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) {
      throw invalidParameter(undefined, 'Invalid cancellation_reason: must be one of duplicate, fraudulent, requested_by_customer, or abandoned', 'cancellation_reason');
    }
    if (!CANCELABLE.includes(intent.status)) {
      throw invalidRequest(
        'payment_intent_unexpected_state',
        `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
      );
    }
    intent.status = 'canceled';
    intent.canceled_at = nowSeconds();
    intent.cancellation_reason = (reason as Stripe.PaymentIntent.CancellationReason | null) ?? null;
    intent.next_action = null;
    this.raise('payment_intent.canceled', intent, request);
    return intent;
  }

  createRefund(parameters: FormObject, request: EventRequest): Stripe.Refund {
    rejectUnknownParameters(parameters, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand']);
    const paymentIntentId = optionalString(parameters, 'payment_intent');
    const chargeId = optionalString(parameters, 'charge');
    if (!paymentIntentId && !chargeId) {
      throw invalidParameter('parameter_missing', 'One of the following params should be provided for this request: payment_intent or charge.');
    }
    const amountGiven = optionalInteger(parameters, 'amount');
    if (amountGiven !== null && amountGiven <= 0) throw invalidParameter('parameter_invalid_integer', 'Invalid positive integer', 'amount');
    const reason = optionalString(parameters, 'reason');
    if (reason && !REFUND_REASONS.includes(reason)) {
      throw invalidParameter(undefined, 'Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer', 'reason');
    }
    const metadata = metadataParameter(parameters);

    let charge: Stripe.Charge | undefined;
    if (paymentIntentId) {
      const intent = this.paymentIntents.get(paymentIntentId);
      if (!intent) throw resourceMissing('payment_intent', paymentIntentId, 'payment_intent');
      const latest = typeof intent.latest_charge === 'string' ? this.charges.get(intent.latest_charge) : undefined;
      if (intent.status !== 'succeeded' || !latest) {
        throw invalidRequest('payment_intent_unexpected_state', `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'payment_intent');
      }
      charge = latest;
    } else if (chargeId) {
      charge = this.charges.get(chargeId);
      if (!charge) throw resourceMissing('charge', chargeId, 'charge');
    }
    if (!charge) throw resourceMissing('charge', String(chargeId), 'charge');

    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) throw invalidRequest('charge_already_refunded', `Charge ${charge.id} has already been refunded.`);
    const amount = amountGiven ?? remaining;
    if (amount > remaining) {
      throw invalidRequest(
        'amount_too_large',
        `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
        'amount',
      );
    }
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    const refund = refundObject(charge, amount, (reason as Stripe.Refund.Reason | null) ?? null, metadata);
    this.refunds.set(refund.id, refund);
    this.bookBalanceTransaction(refund.balance_transaction, refund.id, 'refund', refund.amount, refund.currency, refund.created);
    this.raise('refund.created', refund, request);
    this.raise('charge.refunded', charge, request, previous);
    return refund;
  }

  listBalanceTransactions(parameters: FormObject): Stripe.ApiList<Stripe.BalanceTransaction> {
    return listBalanceTransactions(this.balanceTransactions, parameters, { charges: this.charges, refunds: this.refunds });
  }

  private bookBalanceTransaction(id: string | Stripe.BalanceTransaction | null, source: string, type: 'charge' | 'refund', amount: number, currency: string, created: number): void {
    if (typeof id !== 'string') return;
    this.balanceTransactions.push(balanceTransactionObject({ id, source, type, amount, currency, created }));
  }

  retrieveRefund(id: string): Stripe.Refund {
    const refund = this.refunds.get(id);
    if (!refund) throw resourceMissing('refund', id);
    return refund;
  }

  // Test controls: what a shopper's browser, a bank or time would do to a payment intent.

  succeed(id: string, paymentMethod = 'pm_card_visa'): Stripe.PaymentIntent {
    const intent = this.intent(id);
    if (intent.status === 'succeeded' || intent.status === 'canceled') throw new Error(`payment intent ${id} is already ${intent.status}`);
    if (!intent.payment_method) intent.payment_method = paymentMethod;
    this.markSucceeded(intent);
    return intent;
  }

  fail(id: string, failure: PaymentFailure = {}): Stripe.PaymentIntent {
    const intent = this.intent(id);
    if (intent.status === 'succeeded' || intent.status === 'canceled') throw new Error(`payment intent ${id} is already ${intent.status}`);
    this.markFailed(intent, failure, undefined, stripeId('ch'));
    return intent;
  }

  requireAction(id: string): Stripe.PaymentIntent {
    const intent = this.intent(id);
    this.markRequiresAction(intent);
    return intent;
  }

  process(id: string): Stripe.PaymentIntent {
    const intent = this.intent(id);
    intent.status = 'processing';
    intent.next_action = null;
    intent.processing = { type: 'card', card: { customer_notification: { approval_requested: false, completes_at: null } } } as Stripe.PaymentIntent.Processing;
    this.raise('payment_intent.processing', intent);
    return intent;
  }

  private markSucceeded(intent: Stripe.PaymentIntent, request?: EventRequest): void {
    const charge = chargeObject(intent, String(intent.payment_method));
    this.charges.set(charge.id, charge);
    this.bookBalanceTransaction(charge.balance_transaction, charge.id, 'charge', charge.amount, charge.currency, charge.created);
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.latest_charge = charge.id;
    intent.last_payment_error = null;
    intent.next_action = null;
    intent.processing = null;
    this.raise('charge.succeeded', charge, request);
    this.raise('payment_intent.succeeded', intent, request);
  }

  private markFailed(intent: Stripe.PaymentIntent, failure: PaymentFailure, request: EventRequest | undefined, chargeId: string): void {
    const code = failure.code ?? 'card_declined';
    intent.status = 'requires_payment_method';
    intent.next_action = null;
    intent.processing = null;
    intent.latest_charge = chargeId;
    intent.last_payment_error = {
      type: 'card_error',
      code: code as Stripe.PaymentIntent.LastPaymentError.Code,
      ...(code === 'card_declined' ? { decline_code: failure.declineCode ?? 'generic_decline' } : {}),
      message: failure.message ?? 'Your card was declined.',
      charge: chargeId,
      doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`,
    };
    this.raise('payment_intent.payment_failed', intent, request);
  }

  private markRequiresAction(intent: Stripe.PaymentIntent, request?: EventRequest): void {
    intent.status = 'requires_action';
    intent.next_action = {
      type: 'use_stripe_sdk',
      use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `https://hooks.stripe.com/redirect/authenticate/${stripeId('src')}`, source: stripeId('src') },
    } as Stripe.PaymentIntent.NextAction;
    this.raise('payment_intent.requires_action', intent, request);
  }
}
