import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, moneyColumn, updatedAtColumn } from '../../entity-columns.ts';
import type { CurrencyCode } from '../../money.ts';

export const PAYMENT_PURPOSES = ['order', 'wallet_top_up'] as const;
export type PaymentPurpose = (typeof PAYMENT_PURPOSES)[number];

export const PAYMENT_ATTEMPT_STATUSES = ['pending', 'requires_action', 'processing', 'failed', 'succeeded', 'canceled'] as const;
export type PaymentAttemptStatus = (typeof PAYMENT_ATTEMPT_STATUSES)[number];

/** Our side of one card payment: what is being paid for, and the Stripe payment intent that carries it. */
export interface PaymentAttempt {
  id: string;
  purpose: PaymentPurpose;
  /** The order id or wallet top-up id being paid for. */
  referenceId: string;
  merchantId: string | null;
  shopperId: string;
  amountMinor: number;
  currency: CurrencyCode;
  /** `failed` is not final: the shopper may retry the same intent with another card. */
  status: PaymentAttemptStatus;
  /** `<purpose>:<referenceId>`, also sent to Stripe as the Idempotency-Key of the intent's creation. */
  idempotencyKey: string;
  stripePaymentIntentId: string | null;
  /** Stripe's code for the last failure (`card_declined`, ...), cleared when the payment succeeds. */
  failureCode: string | null;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const PaymentAttemptEntity = new EntitySchema<PaymentAttempt>({
  name: 'PaymentAttempt',
  tableName: 'payment_attempt',
  properties: {
    id: idColumn,
    purpose: { type: 'string' },
    referenceId: { type: 'uuid' },
    merchantId: { type: 'uuid', nullable: true },
    shopperId: { type: 'uuid' },
    amountMinor: moneyColumn(),
    currency: { type: 'string', length: 3 },
    status: { type: 'string' },
    idempotencyKey: { type: 'string', unique: true },
    stripePaymentIntentId: { type: 'string', nullable: true, unique: true },
    failureCode: { type: 'string', nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
