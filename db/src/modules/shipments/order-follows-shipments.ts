import type { Actor } from '../../actor.ts';
import type { Queryable } from '../../pool-transaction.ts';
import type { Order, OrderStatus } from '../orders/order.entity.ts';
import { loadLines, recordTransition, type TransitionOptions } from '../orders/order-records.ts';
import { canTransition, fulfilmentStep } from '../orders/order-states.ts';
import { shipmentsOfOrder, shippedQuantities } from './shipment-records.ts';

const STEPS = ['paid', 'packed', 'shipped', 'delivered'] as const;
type Step = (typeof STEPS)[number];

/**
 * Walks a locked order forward to `target` one fulfilment step at a time (a parcel a courier picks up
 * straight from a paid order was packed too), each step through recordTransition, the one place an order
 * changes status. An order that cannot take a step (cancelled, refunded in full) stays as it is.
 */
export async function advanceOrder(client: Queryable, order: Order, target: 'shipped' | 'delivered', actor: Actor, options: TransitionOptions = {}): Promise<Order> {
  let current = order;
  const from = STEPS.indexOf(fulfilmentStep(current) as Step);
  for (const step of STEPS.slice(from + 1, STEPS.indexOf(target) + 1)) {
    if (!canTransition(current, step as OrderStatus)) break;
    current = await recordTransition(client, current, step as OrderStatus, actor, options);
  }
  return current;
}

/**
 * The order follows its shipments: `shipped` once one has left, `delivered` once every shipment is
 * delivered and together they carry every unit not refunded. Runs in the transaction that changed a
 * shipment, with the order locked first.
 */
export async function followShipments(client: Queryable, order: Order, actor: Actor, options: TransitionOptions = {}): Promise<Order> {
  const shipments = await shipmentsOfOrder(client, order.id);
  let current = order;
  if (shipments.some((shipment) => shipment.leftAt !== null) && !current.shippedAt) current = await advanceOrder(client, current, 'shipped', actor, options);
  if (current.deliveredAt || shipments.length === 0 || !shipments.every((shipment) => shipment.status === 'delivered')) return current;
  const shipped = await shippedQuantities(client, order.id);
  const lines = await loadLines(client, order.id);
  const everythingShipped = lines.every((line) => (shipped.get(line.id) ?? 0) >= line.quantity - line.refundedQuantity);
  return everythingShipped ? advanceOrder(client, current, 'delivered', actor, options) : current;
}
