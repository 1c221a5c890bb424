import type { Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import type { Order } from './order.entity.ts';
import type { OrderEvent } from './order-event.entity.ts';
import type { OrderLine } from './order-line.entity.ts';
import type { OrderRefund } from './order-refund.entity.ts';
import { loadLines, orderSelectList } from './order-records.ts';

export type OrderWithLines = Order & { lines: OrderLine[] };
export type OrderWithHistory = OrderWithLines & { events: OrderEvent[]; refunds: OrderRefund[] };

export async function findOrder(queryable: Queryable, id: string, scope: { merchantId: string } | { shopperId: string }): Promise<Order | null> {
  const [column, value] = 'merchantId' in scope ? ['merchant_id', scope.merchantId] : ['shopper_id', scope.shopperId];
  const { rows } = await queryable.query<Order>(prepared(`select ${orderSelectList()} from shop_order where id = $1 and ${column} = $2`, [id, value]));
  return rows[0] ?? null;
}

export async function withLines(queryable: Queryable, order: Order): Promise<OrderWithLines> {
  return Object.assign({}, order, { lines: await loadLines(queryable, order.id) });
}

/** The order with everything the console shows about it: lines, history (oldest first) and refunds. */
export async function withHistory(queryable: Queryable, order: Order): Promise<OrderWithHistory> {
  const [lines, events, refunds] = await Promise.all([
    loadLines(queryable, order.id),
    queryable.query<OrderEvent>(
      `select id, order_id as "orderId", merchant_id as "merchantId", type, from_status as "fromStatus", to_status as "toStatus",
              actor_type as "actorType", actor_id as "actorId", note, data, created_at as "createdAt"
         from order_event where order_id = $1 order by created_at, id`,
      [order.id],
    ),
    queryable.query<OrderRefund>(
      `select id, order_id as "orderId", merchant_id as "merchantId", amount_minor as "amountMinor", currency, method, status, kind, reason, lines,
              failure_code as "failureCode", failure_message as "failureMessage",
              restocked, idempotency_key as "idempotencyKey", idempotency_request as "idempotencyRequest",
              external_reference as "externalReference", actor_type as "actorType", actor_id as "actorId",
              created_at as "createdAt", updated_at as "updatedAt"
         from order_refund where order_id = $1 order by created_at, id`,
      [order.id],
    ),
  ]);
  return Object.assign({}, order, { lines, events: events.rows, refunds: refunds.rows });
}
