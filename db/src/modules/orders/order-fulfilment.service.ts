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

const TIMEOUT_ACTOR: Actor = { type: 'system', process: 'order.timeout' };

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

  private async transition(actor: MerchantActor, id: string, change: (order: Order, client: pg.PoolClient) => Promise<Order>): Promise<Order> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const order = await lockOrder(client, id, { merchantId: actor.merchantId });
      if (!order) throw new OrderNotFoundError(id);
      return change(order, client);
    });
  }
}
