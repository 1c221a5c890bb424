import { createHash } from 'node:crypto';
import { isNotificationEvent, MAX_EVENTS_PER_NOTIFICATION_JOB } from '../modules/notifications/notification-events.ts';
import { isWebhookEventType } from '../modules/webhooks/webhook-events.ts';
import type { OutboxJob } from './outbox.ts';

/** For the relay's claim, beside WEBHOOK_SUBSCRIBED_SQL: whether a chat reaches the event's shopper. */
export { notifiableEventSql } from '../modules/notifications/notification-events.ts';

interface EventRow {
  id: string;
  type: string;
  merchantId: string | null;
  payload: Record<string, unknown>;
  /** Whether an enabled webhook endpoint of the event's merchant subscribes to its type (WEBHOOK_SUBSCRIBED_SQL). */
  webhookSubscribed: boolean;
  /** Whether the event's shopper can be told of it in a chat (notifiableEventSql). */
  notifiable: boolean;
}

/**
 * For the relay's claim, over a claimed outbox row `claimed`: whether an enabled webhook endpoint of its
 * merchant subscribes to its type, read in the claim's own round trip (an index probe per row), so that
 * the many merchants without endpoints cost no fan-out job per order event. An endpoint registered while
 * the batch is relayed may be missed here; the webhook sweeper finds its events (docs/webhooks.md).
 */
export const WEBHOOK_SUBSCRIBED_SQL = `exists (select from webhook_endpoint endpoint
                  where endpoint.status = 'enabled' and endpoint.merchant_id = claimed.merchant_id and claimed.type = any(endpoint.events))`;

/** Jobs a relay pass starts for several of its events at once, and which of the pass's events each stands for. */
export interface SharedJob {
  job: OutboxJob;
  eventIndexes: number[];
}

/**
 * The jobs a relay pass's outbox events start because of their types, in one place: the writer of
 * `order.paid` need not know that merchants' webhooks and shoppers' notifications follow from it.
 * A webhook fan-out is an event's own job, keyed by the event id. The pass's notification events whose
 * shopper a chat reaches (notifiableEventSql: a guest's start none) share
 * one `notification.send` job (in parts of at most MAX_EVENTS_PER_NOTIFICATION_JOB): BullMQ's add, fetch
 * and finish are then paid per pass, not per paid order. A job is keyed by the event ids it carries (the
 * event id itself when alone), so a pass relayed twice starts each job once; a later pass that takes the
 * same events with others starts a second job, which finds them told (the service's rows are per event).
 */
export function jobsOfEvents(events: EventRow[]): { perEvent: OutboxJob[][]; shared: SharedJob[] } {
  const perEvent = events.map((event): OutboxJob[] =>
    event.merchantId && isWebhookEventType(event.type) && event.webhookSubscribed ? [{ name: 'webhook.fan_out', key: event.id, payload: { eventId: event.id } }] : [],
  );
  const notified = events.flatMap((event, index) => (event.notifiable && isNotificationEvent(event.type, event.payload) ? [index] : []));
  const shared: SharedJob[] = [];
  for (let start = 0; start < notified.length; start += MAX_EVENTS_PER_NOTIFICATION_JOB) {
    const eventIndexes = notified.slice(start, start + MAX_EVENTS_PER_NOTIFICATION_JOB);
    const eventIds = eventIndexes.map((index) => (events[index] as EventRow).id);
    shared.push({ job: notificationJob(eventIds), eventIndexes });
  }
  return { perEvent, shared };
}

/**
 * The `notification.send` job of these events (the relay's, and the sweeper's for an event whose job Redis
 * lost), keyed by them: the event id when alone, else a digest of the ids in order, so the same events make
 * the same job id.
 */
export function notificationJob(eventIds: string[]): OutboxJob {
  const key = eventIds.length === 1 ? (eventIds[0] as string) : `events-${eventIds.length}-${createHash('sha256').update(eventIds.join(',')).digest('base64url').slice(0, 32)}`;
  return { name: 'notification.send', key, payload: { eventIds } };
}
