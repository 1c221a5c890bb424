import type pg from 'pg';
import type { Actor, MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import type { Order } from './order.entity.ts';
import { loadLines, lockOrder, recordTransition } from './order-records.ts';
import { OrderNotFoundError } from './orders.errors.ts';
import type { NoteInput } from './orders.schemas.ts';
import { releaseStock } from './stock-reservations.ts';

const TIMEOUT_ACTOR: Actor = { type: 'system', process: 'order.timeout' };

/** The merchant's fulfilment steps and the unpaid-order timeout. */
export class OrderFulfilmentService {
  constructor(private readonly database: Database) {}

  async pack(actor: MerchantActor, id: string, input: NoteInput): Promise<Order> {
    return this.transition(actor, id, (order, client) => recordTransition(client, order, 'packed', actor, { note: input.note ?? '' }));
  }

  // Shipping is the shipments module's: ShipmentsService.shipOrder creates the shipment (docs/delivery.md).

  /**
   * The unpaid-order timeout: cancels the order and releases its stock if it is still unpaid and its
   * time is up; otherwise does nothing, so the job may run late, early or twice.
   */
  async expire(orderId: string, now: Date = new Date()): Promise<{ cancelled: boolean }> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const order = await lockOrder(client, orderId, {});
      if (!order) throw new OrderNotFoundError(orderId);
      if (order.status !== 'pending_payment' || order.paymentDueAt.getTime() > now.getTime()) return { cancelled: false };
      await releaseStock(client, await loadLines(client, order.id));
      await recordTransition(client, order, 'cancelled', TIMEOUT_ACTOR, { cancellationReason: 'payment_timeout' });
      return { cancelled: true };
    });
  }

  /** The safety net behind the delayed jobs: cancels every overdue unpaid order, a batch at a time. */
  async expireOverdue(now: Date = new Date(), limit = 500): Promise<{ cancelled: number }> {
    const { rows } = await this.database.pool.query<{ id: string }>(
      `select id from shop_order where status = 'pending_payment' and payment_due_at <= $1 order by payment_due_at limit $2`,
      [now, limit],
    );
    let cancelled = 0;
    for (const row of rows) if ((await this.expire(row.id, now)).cancelled) cancelled += 1;
    return { cancelled };
  }

  private async transition(actor: MerchantActor, id: string, change: (order: Order, client: pg.PoolClient) => Promise<Order>): Promise<Order> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const order = await lockOrder(client, id, { merchantId: actor.merchantId });
      if (!order) throw new OrderNotFoundError(id);
      return change(order, client);
    });
  }
}
