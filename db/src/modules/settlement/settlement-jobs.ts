import { assert } from '../../errors.ts';
import type { OutboxJob } from '../../outbox/outbox.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';

/**
 * When a delivered order completes by itself: the transaction's clock (the same `now()` that stamps
 * `delivered_at`) plus the shop's `auto_confirm_days`. Read on the caller's transaction.
 */
export async function autoConfirmDueAt(client: Queryable, shopId: string): Promise<Date> {
  const { rows } = await client.query<{ dueAt: Date }>(prepared(`select now() + make_interval(days => auto_confirm_days) as "dueAt" from shop where id = $1`, [shopId]));
  assert(rows[0], `the shop ${shopId} of an order exists`);
  return rows[0].dueAt;
}

/** The delayed job that confirms receipt when the shopper did not (deterministic id: one per order). */
export function autoConfirmJob(orderId: string, dueAt: Date): OutboxJob {
  return { name: 'order.auto_confirm', key: orderId, payload: { orderId }, runAt: dueAt };
}

/** The job that settles a completed order (deterministic id: one per order). */
export function settlementJob(orderId: string): OutboxJob {
  return { name: 'order.settle', key: orderId, payload: { orderId } };
}
