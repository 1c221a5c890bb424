import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, moneyColumn, updatedAtColumn } from '../../entity-columns.ts';

/**
 * What Stripe last told us about one payment intent, built from its webhooks only. Named a projection so
 * that it is not mistaken for the SDK's `Stripe.PaymentIntent`.
 */
export interface PaymentIntentProjection {
  /** Stripe's id, `pi_...`. */
  id: string;
  /** Stripe's status, as sent: `requires_payment_method`, `processing`, `succeeded`, ... */
  status: string;
  amountMinor: number;
  /** Upper-case, as everywhere in Minishop (Stripe sends lower case). */
  currency: string;
  amountReceivedMinor: number;
  amountRefundedMinor: number;
  metadata: Record<string, string>;
  lastEventId: string;
  /** The `created` time of the event this row reflects; older events are ignored. */
  lastEventCreatedAt: Date;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const PaymentIntentProjectionEntity = new EntitySchema<PaymentIntentProjection>({
  name: 'PaymentIntentProjection',
  tableName: 'payment_intent',
  properties: {
    id: { type: 'string', primary: true },
    status: { type: 'string' },
    amountMinor: moneyColumn(),
    currency: { type: 'string', length: 3 },
    amountReceivedMinor: moneyColumn(),
    amountRefundedMinor: moneyColumn(),
    metadata: { type: 'json' },
    lastEventId: { type: 'string' },
    lastEventCreatedAt: { type: 'Date' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
