/**
 * The outbox event types a merchant may subscribe a webhook endpoint to: the merchant-scoped events
 * the domain writes today (order.<status> from recordTransition, refunds, payouts) and the shipment
 * tracking events (docs/webhooks.md lists each with its payload).
 */
export const WEBHOOK_EVENT_TYPES = [
  'order.placed',
  'order.paid',
  'order.packed',
  'order.shipped',
  'order.delivered',
  'order.completed',
  'order.cancelled',
  'order.refunded',
  'order.partially_refunded',
  'order.settled',
  'order_refund.created',
  'order_refund.succeeded',
  'order_refund.failed',
  'payout.requested',
  'payout.posted',
  'payout.voided',
  'payout.expired',
  'shipment.tracking_event_recorded',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const EVENT_TYPES: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

export function isWebhookEventType(type: string): type is WebhookEventType {
  return EVENT_TYPES.has(type);
}
