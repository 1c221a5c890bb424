import { isNotificationEvent } from '../modules/notifications/notification-events.ts';
import { isWebhookEventType } from '../modules/webhooks/webhook-events.ts';
import type { OutboxJob } from './outbox.ts';

/**
 * The jobs an outbox event starts because of its type, in one place, read by the relay: the writer of
 * `order.paid` need not know that merchants' webhooks and shoppers' notifications follow from it. Each
 * job is keyed by the event id, so a row relayed twice starts each job once.
 */
export function jobsOfEventType(event: { id: string; type: string; merchantId: string | null; payload: Record<string, unknown> }): OutboxJob[] {
  const jobs: OutboxJob[] = [];
  if (event.merchantId && isWebhookEventType(event.type)) jobs.push({ name: 'webhook.fan_out', key: event.id, payload: { eventId: event.id } });
  if (isNotificationEvent(event.type, event.payload)) jobs.push({ name: 'notification.send', key: event.id, payload: { eventId: event.id } });
  return jobs;
}
