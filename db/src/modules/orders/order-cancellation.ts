import type pg from 'pg';
import type { Actor } from '../../actor.ts';
import type { CancellationReason, Order } from './order.entity.ts';
import type { OrderLine } from './order-line.entity.ts';
import { loadLines, recordTransition } from './order-records.ts';
import { assertTransition, hasShipped } from './order-states.ts';
import { InvalidOrderTransitionError } from './orders.errors.ts';
import { releaseStock } from './stock-reservations.ts';

/** Gives back the money of a paid order being cancelled, and its goods to the shelf; on the caller's transaction. */
export type RefundRemaining = (client: pg.PoolClient, order: Order, lines: OrderLine[], actor: Actor, reason: string) => Promise<Order>;

/**
 * Cancels a locked order: an unpaid one releases its reservation; a paid one that has not shipped is
 * refunded in full (what remains of it) with its goods returned to stock, then marked cancelled.
 */
export async function cancelLockedOrder(
  client: pg.PoolClient,
  order: Order,
  actor: Actor,
  options: { reason: CancellationReason; note: string; refundRemaining: RefundRemaining },
): Promise<Order> {
  assertTransition(order, 'cancelled');
  if (hasShipped(order)) throw new InvalidOrderTransitionError(order.status, 'cancelled', 'it has shipped; refund it instead');
  const lines = await loadLines(client, order.id);
  let current = order;
  if (order.status === 'pending_payment') {
    await releaseStock(client, lines);
  } else {
    current = await options.refundRemaining(client, order, lines, actor, options.note || 'order cancelled');
  }
  return recordTransition(client, current, 'cancelled', actor, { cancellationReason: options.reason, note: options.note });
}
