import { actorId, type Actor } from '../../actor.ts';
import { newId } from '../../ids.ts';
import { noteOutboxWrite, OUTBOX_COLUMNS, outboxRowSql, type OutboxJob } from '../../outbox/outbox.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import { SqlParameters } from '../../sql-parameters.ts';
import type { ActorType } from '../catalog/stock-movement.entity.ts';
import { autoConfirmDueAt, autoConfirmJob, settlementJob } from '../settlement/settlement-jobs.ts';
import type { CancellationReason, Order, OrderStatus, PaymentMethod } from './order.entity.ts';
import type { OrderEventType } from './order-event.entity.ts';
import type { OrderLine } from './order-line.entity.ts';
import { assertTransition } from './order-states.ts';

/**
 * Plain-SQL access to orders for the paths that write them (checkout, payment, transitions, refunds):
 * rows come back already shaped like the entities, so services return them without the ORM.
 */
function selectList(columns: Record<string, string>, alias: string): string {
  return Object.entries(columns)
    .map(([field, column]) => `${alias}.${column} as "${field}"`)
    .join(', ');
}

const ORDER_COLUMNS: Record<keyof Order, string> = {
  id: 'id',
  number: 'number',
  merchantId: 'merchant_id',
  shopId: 'shop_id',
  shopperId: 'shopper_id',
  status: 'status',
  currency: 'currency',
  itemCount: 'item_count',
  totalMinor: 'total_minor',
  subtotalMinor: 'subtotal_minor',
  deliveryFeeMinor: 'delivery_fee_minor',
  refundedMinor: 'refunded_minor',
  fulfilmentMethod: 'fulfilment_method',
  deliveryAddress: 'delivery_address',
  deliveryDistanceMeters: 'delivery_distance_meters',
  tableLabel: 'table_label',
  source: 'source',
  cartId: 'cart_id',
  paymentMethod: 'payment_method',
  paymentTransferId: 'payment_transfer_id',
  paymentIntentId: 'payment_intent_id',
  idempotencyKey: 'idempotency_key',
  idempotencyRequest: 'idempotency_request',
  paymentDueAt: 'payment_due_at',
  paidAt: 'paid_at',
  packedAt: 'packed_at',
  shippedAt: 'shipped_at',
  deliveredAt: 'delivered_at',
  completedAt: 'completed_at',
  cancelledAt: 'cancelled_at',
  cancellationReason: 'cancellation_reason',
  autoConfirmAt: 'auto_confirm_at',
  settledAt: 'settled_at',
  settledGrossMinor: 'settled_gross_minor',
  platformFeeMinor: 'platform_fee_minor',
  platformFeeBasisPoints: 'platform_fee_basis_points',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

const LINE_COLUMNS: Record<keyof OrderLine, string> = {
  id: 'id',
  orderId: 'order_id',
  merchantId: 'merchant_id',
  position: 'position',
  variantId: 'variant_id',
  productId: 'product_id',
  sku: 'sku',
  productTitle: 'product_title',
  variantTitle: 'variant_title',
  unitPriceMinor: 'unit_price_minor',
  quantity: 'quantity',
  lineTotalMinor: 'line_total_minor',
  refundedQuantity: 'refunded_quantity',
  refundedMinor: 'refunded_minor',
};

/** The select lists by alias, built once: they go into statements on every payment and checkout. */
const selectLists = new Map<string, string>();
function cachedSelectList(columns: Record<string, string>, alias: string): string {
  const key = `${columns === ORDER_COLUMNS ? 'order' : 'line'} ${alias}`;
  let list = selectLists.get(key);
  if (list === undefined) {
    list = selectList(columns, alias);
    selectLists.set(key, list);
  }
  return list;
}

export const orderSelectList = (alias = 'shop_order') => cachedSelectList(ORDER_COLUMNS, alias);
export const lineSelectList = (alias = 'order_line') => cachedSelectList(LINE_COLUMNS, alias);

/** The order's lines as JSON objects with the entities' field names, for statements that return an order with its lines. */
const LINE_OBJECT_FIELDS = Object.entries(LINE_COLUMNS)
  .map(([field, column]) => `'${field}', line.${column}`)
  .join(', ');

/** Who owns the order from the caller's side: a merchant's tenancy, a shopper, or nobody (the system). */
export type OrderScope = { merchantId: string } | { shopperId: string } | Record<string, never>;

function scopeCondition(scope: OrderScope, parameterIndex: number): { sql: string; values: string[] } {
  if ('merchantId' in scope) return { sql: ` and merchant_id = $${parameterIndex}`, values: [scope.merchantId] };
  if ('shopperId' in scope) return { sql: ` and shopper_id = $${parameterIndex}`, values: [scope.shopperId] };
  return { sql: '', values: [] };
}

/**
 * Reads and locks one order for the rest of the transaction; outside the scope it does not exist. The lock
 * is `for no key update` (an update's own): `for update` would make every other transaction that writes a
 * row referencing the order (an event, a shipment, a tracking update) wait at its foreign-key check.
 */
export async function lockOrder(client: Queryable, id: string, scope: OrderScope): Promise<Order | null> {
  const condition = scopeCondition(scope, 2);
  const { rows } = await client.query<Order>(prepared(`select ${orderSelectList()} from shop_order where id = $1${condition.sql} for no key update`, [id, ...condition.values]));
  return rows[0] ?? null;
}

/** Like lockOrder, with the order's lines (by position) in the same round trip. */
export async function lockOrderWithLines(client: Queryable, id: string, scope: OrderScope): Promise<(Order & { lines: OrderLine[] }) | null> {
  const condition = scopeCondition(scope, 2);
  const { rows } = await client.query<Order & { lines: OrderLine[] }>(
    prepared(
      `with locked as (select ${orderSelectList()} from shop_order where id = $1${condition.sql} for no key update)
       select locked.*, coalesce((select json_agg(json_build_object(${LINE_OBJECT_FIELDS}) order by line.position) from order_line line where line.order_id = locked.id), '[]') as lines
         from locked`,
      [id, ...condition.values],
    ),
  );
  return rows[0] ?? null;
}

export async function loadLines(client: Queryable, orderId: string): Promise<OrderLine[]> {
  const { rows } = await client.query<OrderLine>(prepared(`select ${lineSelectList()} from order_line where order_id = $1 order by position`, [orderId]));
  return rows;
}

export function eventActor(actor: Actor): { actorType: ActorType; actorId: string | null } {
  return { actorType: actor.type, actorId: actorId(actor) };
}

export interface OrderEventInput {
  type: OrderEventType;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus;
  note?: string;
  data?: Record<string, unknown>;
}

export const ORDER_EVENT_COLUMNS = 'id, order_id, merchant_id, type, from_status, to_status, actor_type, actor_id, note, data';

/** The value expressions of one order event row, in ORDER_EVENT_COLUMNS order. */
export function orderEventRowSql(parameters: SqlParameters, order: Pick<Order, 'id' | 'merchantId'>, actor: Actor, event: OrderEventInput): string[] {
  const { actorType, actorId: id } = eventActor(actor);
  return [
    parameters.add(newId(), 'uuid'),
    parameters.add(order.id, 'uuid'),
    parameters.add(order.merchantId, 'uuid'),
    parameters.add(event.type, 'text'),
    parameters.add(event.fromStatus, 'text'),
    parameters.add(event.toStatus, 'text'),
    parameters.add(actorType, 'text'),
    parameters.add(id, 'uuid'),
    parameters.add(event.note ?? '', 'text'),
    parameters.add(JSON.stringify(event.data ?? {}), 'jsonb'),
  ];
}

export async function insertOrderEvent(client: Queryable, order: Pick<Order, 'id' | 'merchantId'>, actor: Actor, event: OrderEventInput): Promise<void> {
  const parameters = new SqlParameters();
  await client.query(`insert into order_event (${ORDER_EVENT_COLUMNS}) values (${orderEventRowSql(parameters, order, actor, event).join(', ')})`, parameters.values);
}

/** What subscribers of `order.*` events get: enough to update a list, not the whole order. */
export function orderEventPayload(
  order: Pick<Order, 'id' | 'shopId' | 'shopperId' | 'status' | 'currency' | 'totalMinor' | 'refundedMinor'> & { number: number | null },
  fromStatus: OrderStatus | null,
): Record<string, unknown> {
  return {
    orderId: order.id,
    number: order.number,
    shopId: order.shopId,
    shopperId: order.shopperId,
    fromStatus,
    status: order.status,
    currency: order.currency,
    totalMinor: order.totalMinor,
    refundedMinor: order.refundedMinor,
  };
}

const TIMESTAMP_COLUMN: Partial<Record<OrderStatus, string>> = {
  paid: 'paid_at',
  packed: 'packed_at',
  shipped: 'shipped_at',
  delivered: 'delivered_at',
  completed: 'completed_at',
  cancelled: 'cancelled_at',
};

export interface TransitionOptions {
  note?: string;
  data?: Record<string, unknown>;
  cancellationReason?: CancellationReason;
  paymentMethod?: PaymentMethod;
  paymentTransferId?: string;
  paymentIntentId?: string;
  /** The refunded total after a refund, for `refunded` / `partially_refunded`. */
  refundedMinor?: number;
  jobs?: OutboxJob[];
  eventType?: OrderEventInput['type'];
}

/**
 * Moves a locked order to its next status: the row, an order event (who, when, from, to) and an
 * outbox event `order.<status>`, in one statement on the caller's transaction (this runs on the
 * payment hot path, so one round trip rather than three).
 *
 * Whatever path delivers or completes an order, the follow-up work is attached here, in the same
 * transaction (docs/orders.md §10): `delivered` fixes `auto_confirm_at` from the shop's setting and
 * schedules `order.auto_confirm` for then; `completed` enqueues `order.settle`.
 */
/** Cancels a referral commission not paid yet, in the transition's own statement. */
function cancelPendingCommissionSql(orderIdParameter: string): string {
  return `,
            commission as (update referral_commission set status = 'cancelled', cancelled_at = now(), updated_at = now()
                            where order_id = ${orderIdParameter} and status = 'pending')`;
}

export async function recordTransition(client: Queryable, order: Order, to: OrderStatus, actor: Actor, options: TransitionOptions = {}): Promise<Order> {
  assertTransition(order, to);
  const jobs = [...(options.jobs ?? [])];
  // A partially refunded order re-delivered keeps its first due time: delivery happens once.
  const autoConfirmAt = to === 'delivered' && !order.deliveredAt ? await autoConfirmDueAt(client, order.shopId) : null;
  if (autoConfirmAt) jobs.push(autoConfirmJob(order.id, autoConfirmAt));
  if (to === 'completed') jobs.push(settlementJob(order.id));
  const parameters = new SqlParameters();
  const assignments = [`status = ${parameters.add(to, 'text')}`, 'updated_at = now()'];
  const timestampColumn = TIMESTAMP_COLUMN[to];
  if (timestampColumn) assignments.push(`${timestampColumn} = now()`);
  if (autoConfirmAt) assignments.push(`auto_confirm_at = ${parameters.add(autoConfirmAt, 'timestamptz')}`);
  if (options.cancellationReason) assignments.push(`cancellation_reason = ${parameters.add(options.cancellationReason, 'text')}`);
  if (options.paymentMethod) assignments.push(`payment_method = ${parameters.add(options.paymentMethod, 'text')}`);
  if (options.paymentTransferId) assignments.push(`payment_transfer_id = ${parameters.add(options.paymentTransferId, 'uuid')}`);
  if (options.paymentIntentId) assignments.push(`payment_intent_id = ${parameters.add(options.paymentIntentId, 'text')}`);
  const refundedMinor = options.refundedMinor ?? order.refundedMinor;
  if (options.refundedMinor !== undefined) assignments.push(`refunded_minor = ${parameters.add(options.refundedMinor, 'bigint')}`);

  const event = orderEventRowSql(parameters, order, actor, {
    type: options.eventType ?? 'status_changed',
    fromStatus: order.status,
    toStatus: to,
    ...(options.note !== undefined ? { note: options.note } : {}),
    ...(options.data !== undefined ? { data: options.data } : {}),
  });
  // Everything the event says is known before the update: the payload needs nothing it returns.
  const outbox = outboxRowSql(parameters, {
    type: `order.${to}`,
    aggregateType: 'order',
    aggregateId: order.id,
    merchantId: order.merchantId,
    payload: orderEventPayload({ ...order, status: to, refundedMinor }, order.status),
    ...(jobs.length ? { jobs } : {}),
  });
  // An order that ends without settling (cancelled, refunded in full) owes its referrer nothing (docs/social.md §4).
  const commissionEnds = to === 'cancelled' || to === 'refunded';
  // The text depends only on which options are set, so it is prepared like a fixed statement.
  const { rows } = await client.query<Order>(
    prepared(
      `with event as (insert into order_event (${ORDER_EVENT_COLUMNS}) values (${event.join(', ')})),
            box as (insert into outbox (${OUTBOX_COLUMNS}) values (${outbox.expressions.join(', ')}))${commissionEnds ? cancelPendingCommissionSql(parameters.add(order.id, 'uuid')) : ''}
       update shop_order set ${assignments.join(', ')} where id = ${parameters.add(order.id, 'uuid')} returning ${orderSelectList()}`,
      parameters.values,
    ),
  );
  noteOutboxWrite(client);
  return rows[0] as Order;
}
