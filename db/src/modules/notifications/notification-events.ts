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

/** A UUID's text shape: an order id read from an event's payload is cast only when it has it (a malformed one finds no order instead of failing the statement). */
export const UUID_SHAPE = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * SQL over an outbox row `alias`: whether its event may tell a shopper something and its order's shopper has a
 * chat the platform can write to, by the service's two routes (NotificationsService.adapterFor): Telegram when
 * a bot token is set (`botTokenSet`, a boolean parameter of the statement), or their host chat when that host is
 * active and takes notifications. The relay starts a notification job only for such events and the sweeper
 * looks only for them, so an order of a guest, whom no chat reaches, costs no job, no read and no row. A CASE,
 * so the order id is cast only once it has a UUID's shape; the service still decides each event itself.
 */
export function notifiableEventSql(alias: string, botTokenSet: string): string {
  return `case when ${alias}.type = any('{${NOTIFICATION_EVENT_TYPES.join(',')}}'::text[]) and ${alias}.payload ->> 'orderId' ~ '${UUID_SHAPE}'
            then exists (select from shop_order notified_order
                           join shopper_identity identity on identity.shopper_id = notified_order.shopper_id
                           left join chat_host host on host.id = identity.chat_host_id
                          where notified_order.id = (${alias}.payload ->> 'orderId')::uuid
                            and ((identity.provider = 'telegram' and ${botTokenSet})
                                 or (identity.provider = 'host' and host.status = 'active' and host.notification_url is not null and host.notification_secret is not null)))
            else false end`;
}
