import type { Order, OrderStatus } from './order.entity.ts';
import { InvalidOrderTransitionError } from './orders.errors.ts';

/**
 * The order state machine (DESIGN.md §4). `partially_refunded` keeps fulfilling: the timestamps of the
 * order say which fulfilment step comes next, so a merchant can refund one line and ship the rest.
 */
const NEXT_STATUSES: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['packed', 'cancelled', 'refunded', 'partially_refunded'],
  packed: ['shipped', 'cancelled', 'refunded', 'partially_refunded'],
  shipped: ['delivered', 'refunded', 'partially_refunded'],
  delivered: ['completed', 'refunded', 'partially_refunded'],
  completed: [],
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

const PREVIOUS_STEP: Partial<Record<OrderStatus, FulfilmentStep>> = { packed: 'paid', shipped: 'packed', delivered: 'shipped', completed: 'delivered' };

export function canTransition(order: Order, to: OrderStatus): boolean {
  if (!NEXT_STATUSES[order.status].includes(to)) return false;
  if (order.status !== 'partially_refunded') return true;
  const step = fulfilmentStep(order);
  if (to === 'cancelled') return step === 'paid' || step === 'packed';
  const previous = PREVIOUS_STEP[to];
  return previous === undefined || previous === step;
}

export function assertTransition(order: Order, to: OrderStatus): void {
  if (!canTransition(order, to)) throw new InvalidOrderTransitionError(order.status, to);
}

/** Whether the goods have left the building: cancelling is over, only refunds remain. */
export function hasShipped(order: Pick<Order, 'shippedAt'>): boolean {
  return order.shippedAt !== null && order.shippedAt !== undefined;
}
