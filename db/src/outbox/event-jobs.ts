import { isNotificationEvent } from '../modules/notifications/notification-events.ts';
import { isWebhookEventType } from '../modules/webhooks/webhook-events.ts';
import type { OutboxJob } from './outbox.ts';

interface EventRow {
  id: string;
  type: string;
  merchantId: string | null;
  payload: Record<string, unknown>;
  /** Whether an enabled webhook endpoint of the event's merchant subscribes to its type (WEBHOOK_SUBSCRIBED_SQL). */
  webhookSubscribed: boolean;
}

/**
 * For the relay's claim, over a claimed outbox row `claimed`: whether an enabled webhook endpoint of its
 * merchant subscribes to its type, read in the claim's own round trip (an index probe per row), so that
 * the many merchants without endpoints cost no fan-out job per order event. An endpoint registered while
 * the batch is relayed may be missed here; the webhook sweeper finds its events (docs/webhooks.md).
 */
export const WEBHOOK_SUBSCRIBED_SQL = `exists (select from webhook_endpoint endpoint
                  where endpoint.status = 'enabled' and endpoint.merchant_id = claimed.merchant_id and claimed.type = any(endpoint.events))`;

/**
 * The jobs an outbox event starts because of its type, in one place, read by the relay: the writer of
 * `order.paid` need not know that merchants' webhooks and shoppers' notifications follow from it. Each
 * job is keyed by the event id, so a row relayed twice starts each job once.
 */
export function jobsOfEventType(event: EventRow): OutboxJob[] {
  const jobs: OutboxJob[] = [];
  if (event.merchantId && isWebhookEventType(event.type) && event.webhookSubscribed) jobs.push({ name: 'webhook.fan_out', key: event.id, payload: { eventId: event.id } });
  if (isNotificationEvent(event.type, event.payload)) jobs.push({ name: 'notification.send', key: event.id, payload: { eventId: event.id } });
  return jobs;
}
