import type { Actor } from '../../actor.ts';
import type { CurrencyCode } from '../../money.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import type { Queryable } from '../../pool-transaction.ts';
import type { Order } from '../orders/order.entity.ts';
import { insertOrderEvent, orderEventPayload, orderSelectList } from '../orders/order-records.ts';
import { autoConfirmDueAt, autoConfirmJob } from '../settlement/settlement-jobs.ts';

export interface CounterOrderInput {
  orderId: string;
  merchantId: string;
  shopId: string;
  shopperId: string;
  currency: CurrencyCode;
  amountMinor: number;
  /** The ledger leg that moved the money wallet -> escrow; refunds reverse it. */
  paymentTransferId: string;
  chargeId: string;
  note: string;
}

/**
 * The order a successful counter charge becomes: paid from the wallet and handed over on the spot, so it
 * is written as `delivered` (paid, packed, shipped and delivered now). From there it is any other order:
 * the merchant refunds it with the usual route, and receipt confirmation and settlement move the escrow
 * to the merchant: like every delivered order it carries the shop's auto-confirm time and job (the same
 * helpers recordTransition uses), so it completes and settles the same way. It has no lines: the
 * counter charged an amount, not catalog items.
 */
export async function insertCounterOrder(client: Queryable, input: CounterOrderInput, actor: Actor): Promise<Order> {
  const autoConfirmAt = await autoConfirmDueAt(client, input.shopId);
  const { rows } = await client.query<Order>(
    `insert into shop_order (id, merchant_id, shop_id, shopper_id, status, currency, item_count, total_minor, source, payment_method,
                             payment_transfer_id, idempotency_request, payment_due_at, paid_at, packed_at, shipped_at, delivered_at, auto_confirm_at)
     values ($1, $2, $3, $4, 'delivered', $5, 0, $6, 'counter', 'wallet', $7, $8, now(), now(), now(), now(), now(), $9)
     returning ${orderSelectList()}`,
    [input.orderId, input.merchantId, input.shopId, input.shopperId, input.currency, input.amountMinor, input.paymentTransferId, JSON.stringify({ chargeId: input.chargeId }), autoConfirmAt],
  );
  const order = rows[0] as Order;
  const data = { chargeId: input.chargeId };
  await insertOrderEvent(client, order, actor, { type: 'status_changed', fromStatus: null, toStatus: 'paid', note: input.note || 'paid at the counter with a payment code', data });
  await insertOrderEvent(client, order, actor, { type: 'status_changed', fromStatus: 'paid', toStatus: 'delivered', note: 'handed over at the counter', data });
  const event = { aggregateType: 'order', aggregateId: order.id, merchantId: order.merchantId } as const;
  await addToOutbox(client, { ...event, type: 'order.paid', payload: { ...orderEventPayload({ ...order, status: 'paid' }, null), ...data } });
  await addToOutbox(client, { ...event, type: 'order.delivered', payload: { ...orderEventPayload(order, 'paid'), ...data }, jobs: [autoConfirmJob(order.id, autoConfirmAt)] });
  return order;
}
