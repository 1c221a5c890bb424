import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { JobsOptions } from 'bullmq';
import { MAX_EVENTS_PER_NOTIFICATION_JOB } from '../modules/notifications/notification-events.ts';
import { Uuid } from '../schema-types.ts';

/**
 * The typed queue registry: every BullMQ queue and every job name with its payload schema and options.
 * Producers (the API, the outbox relay) and the workers read it, so a job name exists in one place and
 * the workers refuse to boot when one of these has no processor (workers/src/processors/index.ts).
 */
export const QUEUE_NAMES = ['maintenance', 'orders', 'webhooks', 'notifications'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export type JobOptions = Pick<JobsOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>;

export interface JobDefinition<Payload extends TSchema = TSchema> {
  queue: QueueName;
  description: string;
  payload: Payload;
  /** Merged over DEFAULT_JOB_OPTIONS. */
  options?: JobOptions;
  /** A repeatable job: the workers keep one scheduler per job name that adds it every this many ms. */
  repeatEveryMs?: number;
}

const SECONDS_PER_DAY = 86_400;

/**
 * Jobs retry with exponential backoff (1 s, 2 s, 4 s, 8 s) and are kept for a while after they end:
 * completed ones so that a re-enqueue with the same deterministic id stays a no-op, failed ones so that
 * an operator can look at them.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: SECONDS_PER_DAY, count: 10_000 },
  removeOnFail: { age: 14 * SECONDS_PER_DAY },
} as const satisfies JobOptions;

export function defineJob<Payload extends TSchema>(definition: JobDefinition<Payload>): JobDefinition<Payload> {
  return definition;
}

export const JOBS = {
  'auth.purge_expired': defineJob({
    queue: 'maintenance',
    description: 'Deletes expired refresh tokens, invitations and other auth records past their lifetime.',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 60 * 60 * 1_000,
    options: { attempts: 3 },
  }),
  'order.expire_overdue': defineJob({
    queue: 'orders',
    description: 'Cancels every order still unpaid after its payment window closed and releases its stock, read from the database (a partial index on unpaid orders); payment itself is refused from the instant the window closes.',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 5 * 1_000,
    options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  }),
  'order.card_refund': defineJob({
    queue: 'orders',
    description: 'The card leg of a card refund: asks the card processor (keyed by the refund id) after the intent committed, then changes the order and the ledger with the money, or records the refusal (docs/orders.md §6).',
    payload: Type.Object({ refundId: Uuid }, { additionalProperties: false }),
    options: { attempts: 8 },
  }),
  'order.auto_confirm': defineJob({
    queue: 'orders',
    description: "Confirms receipt of a delivered order the shopper did not confirm within the shop's autoConfirmDays, completing it (delayed until then by the outbox at delivery).",
    payload: Type.Object({ orderId: Uuid }, { additionalProperties: false }),
    // Transient failures (database restarts) retry for about a minute; the sweeper takes over after that.
    options: { attempts: 6, backoff: { type: 'exponential', delay: 2_000 } },
  }),
  'order.settle': defineJob({
    queue: 'orders',
    description: "Settles a completed order: escrow to the merchant's available balance less the platform fee, exactly once (enqueued by the outbox at completion).",
    payload: Type.Object({ orderId: Uuid }, { additionalProperties: false }),
    options: { attempts: 8, backoff: { type: 'exponential', delay: 2_000 }, removeOnFail: { age: 30 * SECONDS_PER_DAY } },
  }),
  'red_envelope.return': defineJob({
    queue: 'orders',
    description: 'Gives the unclaimed rest of a red envelope back to its sender once its deadline passed, exactly once (delayed until then by the outbox at creation; the sweeper re-enqueues it).',
    payload: Type.Object({ envelopeId: Uuid }, { additionalProperties: false }),
    options: { attempts: 6, backoff: { type: 'exponential', delay: 2_000 } },
  }),
  'group_buy.expire': defineJob({
    queue: 'orders',
    description: "Closes a group-buy team whose window ran out before it filled: voids every member's hold and releases the team's stock, exactly once (delayed until then by the outbox when the team opens; the sweeper re-enqueues it).",
    payload: Type.Object({ teamId: Uuid }, { additionalProperties: false }),
    options: { attempts: 6, backoff: { type: 'exponential', delay: 2_000 } },
  }),
  'jobs.sweep_due': defineJob({
    queue: 'maintenance',
    description: 'Re-enqueues the work the database says is due but Redis has no job for: delivered orders past their auto-confirm time, completed orders not settled.',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 30 * 1_000,
    options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  }),
  'payment_code.expire_overdue': defineJob({
    queue: 'orders',
    description: 'Releases the held money of counter charges whose shopper did not confirm in time (docs/qr-checkout.md).',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 15 * 1_000,
    options: { attempts: 1 },
  }),
  'carrier.process_event': defineJob({
    queue: 'orders',
    description: 'Maps a stored carrier webhook event to our shipment statuses and records its tracking event (docs/delivery.md).',
    payload: Type.Object({ carrierWebhookEventId: Uuid }, { additionalProperties: false }),
    options: { attempts: 8 },
  }),
  'carrier.process_pending': defineJob({
    queue: 'orders',
    description: 'Safety net behind carrier.process_event: processes carrier webhook events left unprocessed (Redis lost, a crash).',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 60 * 1_000,
    options: { attempts: 1 },
  }),
  'ledger.expire_pending': defineJob({
    queue: 'maintenance',
    description: 'Expires two-phase ledger holds whose timeout has passed, releasing their funds exactly once.',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 5 * 1_000,
    options: { attempts: 1 },
  }),
  'ledger.seal': defineJob({
    queue: 'maintenance',
    description: 'Seals committed ledger transfers still waiting for their place in the hash chain (the API seals after its own commits; this catches what a crashed process left).',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 1_000,
    options: { attempts: 1 },
  }),
  'money.sweep_stale': defineJob({
    queue: 'maintenance',
    description: 'Finds refunds, payouts and top-ups left pending in the database (a crash, a dead job) and finishes them, or flags them for an operator once their retries are spent.',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 60 * 1_000,
    options: { attempts: 1 },
  }),
  'ledger.verify': defineJob({
    queue: 'maintenance',
    description: 'Runs a verification of the ledger that an operator asked for (one read-only snapshot) and records its report.',
    payload: Type.Object({ runId: Uuid }, { additionalProperties: false }),
    options: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
  }),
  'ledger.verify_sweep': defineJob({
    queue: 'maintenance',
    description: 'Gives verification runs that are still owed (queued too long, or running on a worker that died) their ledger.verify job again.',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 5 * 60 * 1_000,
    options: { attempts: 1 },
  }),
  'ledger.snapshot_balances': defineJob({
    queue: 'maintenance',
    description: "Writes every ledger account's daily balance snapshot (balances as of a time read the snapshot plus the transfers since).",
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 60 * 60 * 1_000,
    options: { attempts: 3 },
  }),
  'webhook.fan_out': defineJob({
    queue: 'webhooks',
    description: "Creates one delivery per subscribed endpoint of an outbox event's merchant, each with its first attempt (enqueued by the relay for webhook event types).",
    payload: Type.Object({ eventId: Uuid }, { additionalProperties: false }),
  }),
  'webhook.deliver': defineJob({
    queue: 'webhooks',
    description: 'Makes one attempt of a webhook delivery; a failed call is recorded and schedules the next attempt itself (docs/webhooks.md), so BullMQ retries only infrastructure errors.',
    payload: Type.Object({ deliveryId: Uuid, attemptNumber: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    options: { attempts: 3 },
  }),
  'webhook.sweep_due': defineJob({
    queue: 'webhooks',
    description: 'Safety net: re-enqueues webhook deliveries that are overdue but have no job (Redis lost, a crash mid-attempt).',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 60 * 1_000,
    options: { attempts: 1 },
  }),
  'notification.send': defineJob({
    queue: 'notifications',
    description: "Tells shoppers about order events in their chat (Telegram or the host's signed HTTP endpoint), once per (event, shopper): the notification events of one relay pass, or one event.",
    payload: Type.Object({ eventIds: Type.Array(Uuid, { minItems: 1, maxItems: MAX_EVENTS_PER_NOTIFICATION_JOB }) }, { additionalProperties: false }),
    // `retry_after`: the worker waits what the chat asked (Telegram's 429 retry_after), else 2 s, 4 s, 8 s, ...
    options: { attempts: 8, backoff: { type: 'retry_after', delay: 2_000 } },
  }),
  'notification.sweep_missing': defineJob({
    queue: 'notifications',
    description: 'Safety net: re-enqueues notification.send for events of the last hour that have no notification yet (Redis lost).',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 60 * 1_000,
    options: { attempts: 1 },
  }),
  'outbox.purge_published': defineJob({
    queue: 'maintenance',
    description: 'Deletes outbox rows published more than a week ago.',
    payload: Type.Object({}, { additionalProperties: false }),
    repeatEveryMs: 24 * 60 * 60 * 1_000,
    options: { attempts: 3 },
  }),
};

export type JobRegistry = Record<string, JobDefinition>;
export type JobName<Registry extends JobRegistry = typeof JOBS> = keyof Registry & string;
export type JobPayload<Name extends JobName<Registry>, Registry extends JobRegistry = typeof JOBS> = Static<Registry[Name]['payload']>;

/**
 * The deterministic id of a job: `<job-name>@<key>`, e.g. `order.settle@<orderId>`, so that enqueuing the
 * same work twice is a no-op. BullMQ refuses a custom id with a single `:`, hence `@` rather than the
 * `name:id` of DESIGN.md.
 */
export function jobId(name: string, key: string): string {
  return `${name}@${key}`;
}

export function jobOptions(definition: JobDefinition): JobOptions {
  return { ...DEFAULT_JOB_OPTIONS, ...definition.options };
}
