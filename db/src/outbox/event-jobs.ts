import { isNotificationEvent } from '../modules/notifications/notification-events.ts';
import { isWebhookEventType } from '../modules/webhooks/webhook-events.ts';
import type { Queryable } from '../pool-transaction.ts';
import type { OutboxJob } from './outbox.ts';

interface EventRow {
  id: string;
  type: string;
  merchantId: string | null;
  payload: Record<string, unknown>;
}

/**
 * The (merchant, event type) pairs of one batch that some enabled webhook endpoint subscribes to: one
 * query per batch, so that the many merchants without endpoints cost no fan-out job per order event.
 * An endpoint registered while the batch is relayed may be missed here; the webhook sweeper finds its
 * events (docs/webhooks.md).
 */
async function webhookSubscriptions(queryable: Queryable, events: readonly EventRow[]): Promise<Set<string>> {
  const merchantIds = [...new Set(events.filter((event) => event.merchantId && isWebhookEventType(event.type)).map((event) => event.merchantId as string))];
  if (merchantIds.length === 0) return new Set();
  const { rows } = await queryable.query<{ merchantId: string; type: string }>(
    `select distinct merchant_id as "merchantId", unnest(events) as type from webhook_endpoint where status = 'enabled' and merchant_id = any($1::uuid[])`,
    [merchantIds],
  );
  return new Set(rows.map((row) => `${row.merchantId}|${row.type}`));
}

/**
 * The jobs outbox events start because of their type, in one place, read by the relay: the writer of
 * `order.paid` need not know that merchants' webhooks and shoppers' notifications follow from it. Each
 * job is keyed by the event id, so a row relayed twice starts each job once. Returns the jobs by event id.
 */
export async function jobsOfEventTypes(queryable: Queryable, events: readonly EventRow[]): Promise<Map<string, OutboxJob[]>> {
  const subscriptions = await webhookSubscriptions(queryable, events);
  const jobsByEvent = new Map<string, OutboxJob[]>();
  for (const event of events) {
    const jobs: OutboxJob[] = [];
    if (event.merchantId && isWebhookEventType(event.type) && subscriptions.has(`${event.merchantId}|${event.type}`)) {
      jobs.push({ name: 'webhook.fan_out', key: event.id, payload: { eventId: event.id } });
    }
    if (isNotificationEvent(event.type, event.payload)) jobs.push({ name: 'notification.send', key: event.id, payload: { eventId: event.id } });
    if (jobs.length) jobsByEvent.set(event.id, jobs);
  }
  return jobsByEvent;
}
