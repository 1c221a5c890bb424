import type pg from 'pg';
import type { Actor, MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import type { Order } from './order.entity.ts';
import { loadLines, lockOrder, recordTransition } from './order-records.ts';
import { orderHasShipments } from '../shipments/shipment-records.ts';
import { DeliveryTrackedByShipmentsError, OrderNotFoundError } from './orders.errors.ts';
import type { NoteInput } from './orders.schemas.ts';
import { releaseStock } from './stock-reservations.ts';

const TIMEOUT_ACTOR: Actor = { type: 'system', process: 'order.expire_overdue' };

/** Most overdue orders one `expireOverdue` call reads; the next run takes the rest. */
const EXPIRE_OVERDUE_LIMIT = 500;

/** The merchant's fulfilment steps and the unpaid-order timeout. */
export class OrderFulfilmentService {
  constructor(private readonly database: Database) {}

  async pack(actor: MerchantActor, id: string, input: NoteInput): Promise<Order> {
    return this.transition(actor, id, (order, client) => recordTransition(client, order, 'packed', actor, { note: input.note ?? '' }));
  }

  // Shipping is the shipments module's: ShipmentsService.shipOrder creates the shipment (docs/delivery.md).

  /**
   * The merchant hands the goods over: a pickup or table order once packed, or a delivery nobody tracks
   * (no shipment). An order with shipments is refused (409 `delivery_tracked_by_shipments`): its shipments
   * reach `delivered` through their couriers', carriers' or the merchant's tracking events, and the order
   * follows them. recordTransition schedules the automatic receipt confirmation.
   */
  async deliver(actor: MerchantActor, id: string, input: NoteInput): Promise<Order> {
    return this.transition(actor, id, async (order, client) => {
      // Checked with the order locked: shipment creation locks the order first too, so none slips in between.
      if (await orderHasShipments(client, order.id)) throw new DeliveryTrackedByShipmentsError();
      return recordTransition(client, order, 'delivered', actor, { note: input.note ?? '' });
    });
  }

  /**
   * The unpaid-order timeout for one order: cancels it and releases its stock if it is still unpaid and
   * its time is up; otherwise does nothing, so it may run late, early or twice.
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

  /**
   * Every unpaid order past its window, oldest first (the `order.expire_overdue` job, every few seconds):
   * the database is the timeout's only schedule, so checkout enqueues nothing per order and nothing is lost
   * with Redis. Each order is expired in a transaction of its own; one that fails does not hold back the
   * others and is thrown at the end (the next run finds it again, still due).
   */
  async expireOverdue(now: Date = new Date(), limit = EXPIRE_OVERDUE_LIMIT): Promise<{ expired: number }> {
    const { rows } = await this.database.pool.query<{ id: string }>(
      `select id from shop_order where status = 'pending_payment' and payment_due_at <= $1 order by payment_due_at limit $2`,
      [now, limit],
    );
    let expired = 0;
    const failures: unknown[] = [];
    for (const { id } of rows) {
      try {
        if ((await this.expire(id, now)).cancelled) expired += 1;
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length) throw new AggregateError(failures, `${failures.length} of ${rows.length} overdue orders could not be expired (${expired} were)`);
    return { expired };
  }

  private async transition(actor: MerchantActor, id: string, change: (order: Order, client: pg.PoolClient) => Promise<Order>): Promise<Order> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const order = await lockOrder(client, id, { merchantId: actor.merchantId });
      if (!order) throw new OrderNotFoundError(id);
      return change(order, client);
    });
  }
}
