/**
 * Which outbox events tell the shopper something, and what (docs/notifications.md): payment, shipping,
 * the delivery milestones carriers and couriers report, delivery, and refunds.
 */
export const NOTIFICATION_KINDS = ['order_paid', 'order_shipped', 'out_for_delivery', 'attempted_delivery', 'order_delivered', 'refund_created'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const KIND_BY_EVENT_TYPE: Record<string, NotificationKind> = {
  'order.paid': 'order_paid',
  'order.shipped': 'order_shipped',
  'order.delivered': 'order_delivered',
  // Every refund, partial or whole, writes this once its money is back on its way (a wallet refund at
  // once, a card refund when the card processor confirms): the shopper hears of it once, never of a
  // refund the processor refused.
  'order_refund.succeeded': 'refund_created',
};

/**
 * Tracking events (d2: shipment.tracking_event_recorded) by status. `delivered` is told by the order's
 * own `order.delivered`, which follows when its shipments are delivered, so the shopper hears it once.
 */
const KIND_BY_TRACKING_STATUS: Record<string, NotificationKind> = {
  out_for_delivery: 'out_for_delivery',
  attempted_delivery: 'attempted_delivery',
};

/** The most events one `notification.send` job carries: the relay gives each pass's notification events one job, in parts of at most this many. */
export const MAX_EVENTS_PER_NOTIFICATION_JOB = 200;

export const NOTIFICATION_EVENT_TYPES = [...Object.keys(KIND_BY_EVENT_TYPE), 'shipment.tracking_event_recorded'];

export function notificationKind(type: string, payload: Record<string, unknown>): NotificationKind | null {
  if (typeof payload.orderId !== 'string') return null;
  if (type === 'shipment.tracking_event_recorded') return typeof payload.status === 'string' ? (KIND_BY_TRACKING_STATUS[payload.status] ?? null) : null;
  return KIND_BY_EVENT_TYPE[type] ?? null;
}

export function isNotificationEvent(type: string, payload: Record<string, unknown>): boolean {
  return notificationKind(type, payload) !== null;
}
