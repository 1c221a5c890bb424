import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../../errors.ts';
import { Uuid } from '../../schema-types.ts';
import { CurrencyCodeSchema } from '../shops/shops.schemas.ts';
import { PAYMENT_ATTEMPT_STATUSES, PAYMENT_PURPOSES } from './payment-attempt.entity.ts';

export const PaymentPurposeSchema = Type.Union(PAYMENT_PURPOSES.map((purpose) => Type.Literal(purpose)));
export const PaymentAttemptStatusSchema = Type.Union(PAYMENT_ATTEMPT_STATUSES.map((status) => Type.Literal(status)));
const PositiveAmountMinor = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'integer amount in the minor unit (e.g. cents)' });

export const StartCardPaymentInputSchema = Type.Object(
  {
    purpose: PaymentPurposeSchema,
    /** The order id or wallet top-up id: with the purpose, it names the payment and makes it idempotent. */
    referenceId: Uuid,
    amountMinor: PositiveAmountMinor,
    currency: CurrencyCodeSchema,
    shopperId: Uuid,
    /** The merchant being paid, for orders; wallet top-ups belong to the platform. */
    merchantId: Type.Optional(Uuid),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type StartCardPaymentInput = Static<typeof StartCardPaymentInputSchema>;

export const CardPaymentStartBody = Type.Object(
  {
    attemptId: Uuid,
    paymentIntentId: Type.String(),
    /** For Stripe.js in the shopper's browser; secret to that shopper. */
    clientSecret: Type.String(),
    status: PaymentAttemptStatusSchema,
  },
  { $id: 'CardPaymentStart', additionalProperties: false },
);
export type CardPaymentStart = Static<typeof CardPaymentStartBody>;

export const RefundCardPaymentInputSchema = Type.Object(
  {
    purpose: PaymentPurposeSchema,
    referenceId: Uuid,
    /** Omitted: everything that is left. */
    amountMinor: Type.Optional(PositiveAmountMinor),
    /** Names this refund (an order refund id): the same reference never refunds twice. */
    refundReference: Type.String({ pattern: '^[A-Za-z0-9_:-]{1,100}$' }),
    reason: Type.Optional(Type.Union([Type.Literal('duplicate'), Type.Literal('fraudulent'), Type.Literal('requested_by_customer')])),
  },
  { additionalProperties: false },
);
export type RefundCardPaymentInput = Static<typeof RefundCardPaymentInputSchema>;

export const CardRefundBody = Type.Object(
  {
    refundId: Type.String(),
    paymentIntentId: Type.String(),
    amountMinor: Type.Integer(),
    currency: Type.String(),
    status: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type CardRefund = Static<typeof CardRefundBody>;

/** What POST /api/webhooks/stripe answers Stripe with. */
export const WebhookAcknowledgementBody = Type.Object(
  {
    received: Type.Literal(true),
    eventId: Type.String(),
    /** True when this event had already been processed: nothing was done again. */
    duplicate: Type.Boolean(),
  },
  { $id: 'StripeWebhookAcknowledgement', additionalProperties: false },
);
export type WebhookAcknowledgement = Static<typeof WebhookAcknowledgementBody>;

/** Checks a service input that did not come through a route's Ajv, naming each bad field. */
export function assertValidInput<Schema extends TSchema>(schema: Schema, input: unknown): asserts input is Static<Schema> {
  const fields: Record<string, string> = {};
  for (const error of Value.Errors(schema, input)) {
    const field = error.path.replace(/^\//, '').replaceAll('/', '.') || 'input';
    fields[field] ??= error.message;
  }
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
}
