import type pg from 'pg';
import type Stripe from 'stripe';
import { isUuid } from '../../ids.ts';
import type { CurrencyCode } from '../../money.ts';
import type { PaymentAttempt, PaymentAttemptStatus, PaymentPurpose } from './payment-attempt.entity.ts';

/** Reading and updating payment attempts inside the webhook's transaction (raw SQL on its client). */
interface PaymentAttemptRow {
  id: string;
  purpose: PaymentPurpose;
  reference_id: string;
  merchant_id: string | null;
  shopper_id: string;
  amount_minor: number;
  currency: string;
  status: PaymentAttemptStatus;
  idempotency_key: string;
  stripe_payment_intent_id: string | null;
  failure_code: string | null;
  created_at: Date;
  updated_at: Date;
}

function attemptFromRow(row: PaymentAttemptRow): PaymentAttempt {
  return {
    id: row.id,
    purpose: row.purpose,
    referenceId: row.reference_id,
    merchantId: row.merchant_id,
    shopperId: row.shopper_id,
    amountMinor: row.amount_minor,
    currency: row.currency as CurrencyCode,
    status: row.status,
    idempotencyKey: row.idempotency_key,
    stripePaymentIntentId: row.stripe_payment_intent_id,
    failureCode: row.failure_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Our attempt's status for a payment intent event. `failed` is not final: another card may follow. */
export function attemptStatusOf(eventType: string, intent: Stripe.PaymentIntent): PaymentAttemptStatus {
  if (eventType === 'payment_intent.payment_failed') return 'failed';
  switch (intent.status) {
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'canceled';
    case 'processing':
    case 'requires_capture':
      return 'processing';
    case 'requires_action':
      return 'requires_action';
    default:
      return intent.last_payment_error ? 'failed' : 'pending';
  }
}

/** The attempt id we put in the intent's metadata, which finds the attempt before its row knows the intent id. */
function attemptIdOf(intent: { metadata?: Stripe.Metadata | null }): string | null {
  const attemptId = intent.metadata?.attempt_id;
  return typeof attemptId === 'string' && isUuid(attemptId) ? attemptId : null;
}

const MATCH_ATTEMPT = `(stripe_payment_intent_id = $1 or (stripe_payment_intent_id is null and id = $2))`;

export async function findAttemptForIntent(transaction: pg.PoolClient, paymentIntentId: string, metadata: Stripe.Metadata | null): Promise<PaymentAttempt | null> {
  const { rows } = await transaction.query<PaymentAttemptRow>(`select * from payment_attempt where ${MATCH_ATTEMPT} for update`, [
    paymentIntentId,
    attemptIdOf({ metadata }),
  ]);
  return rows[0] ? attemptFromRow(rows[0]) : null;
}

export async function updateAttemptFromIntent(transaction: pg.PoolClient, eventType: string, intent: Stripe.PaymentIntent): Promise<PaymentAttempt | null> {
  const status = attemptStatusOf(eventType, intent);
  const failureCode = status === 'failed' ? (intent.last_payment_error?.code ?? 'payment_failed') : status === 'succeeded' ? null : undefined;
  const { rows } = await transaction.query<PaymentAttemptRow>(
    `update payment_attempt
        set status = $3, failure_code = case when $4::boolean then $5 else failure_code end,
            stripe_payment_intent_id = $1, updated_at = now()
      where ${MATCH_ATTEMPT}
      returning *`,
    [intent.id, attemptIdOf(intent), status, failureCode !== undefined, failureCode ?? null],
  );
  return rows[0] ? attemptFromRow(rows[0]) : null;
}
