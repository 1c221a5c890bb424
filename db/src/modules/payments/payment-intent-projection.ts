import type pg from 'pg';
import type Stripe from 'stripe';

/**
 * The payment_intent projection: Stripe's view of each intent, kept from webhooks that arrive in any
 * order. A row reflects the newest event applied so far; older events are ignored.
 */
const STATUS_PROGRESS: Record<string, number> = {
  requires_payment_method: 0,
  requires_confirmation: 1,
  requires_action: 2,
  processing: 3,
  requires_capture: 4,
  succeeded: 5,
  canceled: 5,
};
const FINAL_STATUSES = new Set(['succeeded', 'canceled']);

export interface ProjectedState {
  status: string;
  eventCreatedAt: Date;
}

/**
 * Whether an incoming event's state replaces the current one. Stripe never leaves `succeeded` or
 * `canceled`, so nothing replaces them. Otherwise the newer event wins; `created` has one-second
 * resolution, so on a tie the state further along the payment flow wins.
 */
export function supersedes(current: ProjectedState, incoming: ProjectedState): boolean {
  if (FINAL_STATUSES.has(current.status)) return false;
  const currentMs = current.eventCreatedAt.getTime();
  const incomingMs = incoming.eventCreatedAt.getTime();
  if (incomingMs !== currentMs) return incomingMs > currentMs;
  return (STATUS_PROGRESS[incoming.status] ?? 0) >= (STATUS_PROGRESS[current.status] ?? 0);
}

function eventCreatedAt(event: Stripe.Event): Date {
  return new Date(event.created * 1000);
}

/** Applies a `payment_intent.*` event; returns whether it was the latest news about that intent. */
export async function applyPaymentIntentEvent(transaction: pg.PoolClient, event: Stripe.Event, intent: Stripe.PaymentIntent): Promise<boolean> {
  const createdAt = eventCreatedAt(event);
  const values = [intent.id, intent.status, intent.amount, intent.currency.toUpperCase(), intent.amount_received, JSON.stringify(intent.metadata ?? {}), event.id, createdAt];
  const inserted = await transaction.query(
    `insert into payment_intent (id, status, amount_minor, currency, amount_received_minor, metadata, last_event_id, last_event_created_at)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
     on conflict (id) do nothing`,
    values,
  );
  if (inserted.rowCount === 1) return true;

  const { rows } = await transaction.query<{ status: string; last_event_created_at: Date }>(
    'select status, last_event_created_at from payment_intent where id = $1 for update',
    [intent.id],
  );
  const current = rows[0];
  if (!current || !supersedes({ status: current.status, eventCreatedAt: current.last_event_created_at }, { status: intent.status, eventCreatedAt: createdAt })) {
    return false;
  }
  await transaction.query(
    `update payment_intent
        set status = $2, amount_minor = $3, currency = $4, amount_received_minor = $5, metadata = $6::jsonb,
            last_event_id = $7, last_event_created_at = $8, updated_at = now()
      where id = $1`,
    values,
  );
  return true;
}

/**
 * Applies a charge event's refunded total to its payment intent. A charge's `amount_refunded` only grows,
 * so the larger value is the newer one whatever order the events arrive in.
 */
export async function applyChargeEvent(transaction: pg.PoolClient, event: Stripe.Event, charge: Stripe.Charge): Promise<boolean> {
  const paymentIntentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
  if (!paymentIntentId) return true;
  // A charge that exists was paid: if its intent's own events have not arrived yet, it has succeeded.
  const { rows } = await transaction.query<{ amount_refunded_minor: number }>(
    `insert into payment_intent as current (id, status, amount_minor, currency, amount_received_minor, amount_refunded_minor, metadata, last_event_id, last_event_created_at)
     values ($1, 'succeeded', $2, $3, $4, $5, $6::jsonb, $7, $8)
     on conflict (id) do update
        set amount_refunded_minor = greatest(current.amount_refunded_minor, excluded.amount_refunded_minor), updated_at = now()
     returning amount_refunded_minor`,
    [paymentIntentId, charge.amount, charge.currency.toUpperCase(), charge.amount_captured, charge.amount_refunded, JSON.stringify(charge.metadata ?? {}), event.id, eventCreatedAt(event)],
  );
  return rows[0]?.amount_refunded_minor === charge.amount_refunded;
}
