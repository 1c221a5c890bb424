/**
 * Shipment and tracking-event statuses, after Shopify's fulfillment event statuses (label_printed is
 * our label_created; carrier_picked_up and picked_up are one picked_up; returned is a parcel back at
 * the shop). docs/delivery.md §1.
 */
export const SHIPMENT_STATUSES = [
  'label_created',
  'confirmed',
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'attempted_delivery',
  'delayed',
  'ready_for_pickup',
  'delivered',
  'failure',
  'returned',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** Statuses that say the parcel has left the shop: the order becomes `shipped` at the first of them. */
const LEFT_STATUSES: ReadonlySet<ShipmentStatus> = new Set([
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'attempted_delivery',
  'delayed',
  'ready_for_pickup',
  'delivered',
]);

/** Nothing moves a shipment out of these: a late "in transit" after "delivered" is history, not news. */
const FINAL_STATUSES: ReadonlySet<ShipmentStatus> = new Set(['delivered', 'returned']);

/** Statuses during which a courier's position means something (between pick-up and hand-over). */
export const EN_ROUTE_STATUSES: readonly ShipmentStatus[] = ['picked_up', 'in_transit', 'out_for_delivery', 'attempted_delivery', 'delayed'];

export function hasLeft(status: ShipmentStatus): boolean {
  return LEFT_STATUSES.has(status);
}

export function isFinal(status: ShipmentStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/**
 * Whether an event moves the shipment's current status: only an event at least as new as the one that
 * set it, and never out of a final status. Events arrive out of order (carriers retry, couriers lose
 * signal), so time, not arrival, decides.
 */
export function movesStatus(current: { status: ShipmentStatus; statusAt: Date }, event: { status: ShipmentStatus; happenedAt: Date }): boolean {
  if (isFinal(current.status)) return false;
  // A parcel still at the shop has nowhere to go but out: a courier's phone clock a little behind the
  // shop's must not keep "picked up" from counting.
  if (!hasLeft(current.status) && current.status !== 'failure' && hasLeft(event.status)) return true;
  return event.happenedAt.getTime() >= current.statusAt.getTime();
}
