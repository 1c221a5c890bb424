import type { Order, OrderStatus } from './order.entity.ts';
import { InvalidOrderTransitionError } from './orders.errors.ts';

/**
 * The order state machine (DESIGN.md §4). `partially_refunded` keeps fulfilling: the timestamps of the
 * order say which fulfilment step comes next, so a merchant can refund one line and ship the rest.
 * `packed -> delivered` is the hand-over of a pickup or table order, which never ships. A completed
 * order stays refundable: after settlement the merchant's balance pays (docs/orders.md §10).
 */
const NEXT_STATUSES: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['packed', 'cancelled', 'refunded', 'partially_refunded'],
  packed: ['shipped', 'delivered', 'cancelled', 'refunded', 'partially_refunded'],
  shipped: ['delivered', 'refunded', 'partially_refunded'],
  delivered: ['completed', 'refunded', 'partially_refunded'],
  completed: ['refunded', 'partially_refunded'],
  cancelled: [],
  refunded: [],
  partially_refunded: ['packed', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded', 'partially_refunded'],
};

type FulfilmentStep = 'paid' | 'packed' | 'shipped' | 'delivered' | 'completed';

/** How far the goods have gone, whatever refunds did to the status. */
export function fulfilmentStep(order: Pick<Order, 'packedAt' | 'shippedAt' | 'deliveredAt' | 'completedAt'>): FulfilmentStep {
  if (order.completedAt) return 'completed';
  if (order.deliveredAt) return 'delivered';
  if (order.shippedAt) return 'shipped';
  if (order.packedAt) return 'packed';
  return 'paid';
}

/** The fulfilment steps an order may be at to take the next one (delivered: shipped, or handed over once packed). */
const PREVIOUS_STEPS: Partial<Record<OrderStatus, readonly FulfilmentStep[]>> = {
  packed: ['paid'],
  shipped: ['packed'],
  delivered: ['packed', 'shipped'],
  completed: ['delivered'],
};

export function canTransition(order: Order, to: OrderStatus): boolean {
  if (!NEXT_STATUSES[order.status].includes(to)) return false;
  if (order.status !== 'partially_refunded') return true;
  const step = fulfilmentStep(order);
  if (to === 'cancelled') return step === 'paid' || step === 'packed';
  const previous = PREVIOUS_STEPS[to];
  return previous === undefined || previous.includes(step);
}

export function assertTransition(order: Order, to: OrderStatus): void {
  if (!canTransition(order, to)) throw new InvalidOrderTransitionError(order.status, to);
}

/** Whether the goods have left the building: cancelling is over, only refunds remain. */
export function hasShipped(order: Pick<Order, 'shippedAt'>): boolean {
  return order.shippedAt !== null && order.shippedAt !== undefined;
}
