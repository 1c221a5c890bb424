import { containsPattern } from '../../search-pattern.ts';
import type pg from 'pg';
import type { MerchantActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction, type Queryable } from '../../pool-transaction.ts';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from './webhook-events.ts';
import { postSigned, type SignedPostOutcome } from './signed-post.ts';
import { WebhookDeliveryPendingError, WebhookEndpointDisabledError } from './webhooks.errors.ts';
import type { WebhookDeliveryDetail, WebhookDeliveryListFilterInput, WebhookDeliveryView } from './webhooks.schemas.ts';

type WebhookSettings = Config['webhooks'];

const DELIVERY_COLUMNS = `d.id, d.merchant_id as "merchantId", d.endpoint_id as "endpointId", d.event_id as "eventId", d.event_type as "eventType",
  d.status, d.attempt_count as "attemptCount", d.next_attempt_at as "nextAttemptAt", d.last_status_code as "lastStatusCode",
  d.last_error as "lastError", d.delivered_at as "deliveredAt", d.replay_count as "replayCount", d.created_at as "createdAt", d.updated_at as "updatedAt"`;

const SORT_COLUMNS: Record<string, string> = { id: 'd.id', createdAt: 'd.created_at', status: 'd.status', eventType: 'd.event_type', nextAttemptAt: 'd.next_attempt_at' };

/** How long a claimed attempt may stay without an outcome before the sweeper schedules the next one. */
const ATTEMPT_LEASE_MARGIN_MS = 60_000;
/** A due delivery gets this long for its own job to run before the sweeper steps in. */
const SWEEP_GRACE_MS = 60_000;
/** How far back the sweeper looks for events whose fan-out job was lost. */
const FAN_OUT_SWEEP_WINDOW_MS = 60 * 60 * 1_000;

/**
 * The wait after failed attempt `attemptNumber` (1-based): base x 3^(n-1), capped. With the defaults
 * (1 minute, 8 hours, 10 attempts) the attempts spread over about 30 hours (docs/webhooks.md).
 */
export function retryDelayMs(attemptNumber: number, settings: Pick<WebhookSettings, 'retryBaseDelayMs' | 'retryMaxDelayMs'>): number {
  return Math.min(settings.retryBaseDelayMs * 3 ** (attemptNumber - 1), settings.retryMaxDelayMs);
}

/** The job of one attempt: its key names the attempt, so a retry, a replay and the sweeper never collide. */
function attemptJob(deliveryId: string, attemptNumber: number, runAt?: Date) {
  return { name: 'webhook.deliver' as const, key: `${deliveryId}.${attemptNumber}`, payload: { deliveryId, attemptNumber }, ...(runAt ? { runAt } : {}) };
}

async function scheduleAttempt(client: Queryable, delivery: { id: string; merchantId: string }, attemptNumber: number, runAt?: Date): Promise<void> {
  await addToOutbox(client, {
    type: 'webhook_delivery.scheduled',
    aggregateType: 'webhook_delivery',
    aggregateId: delivery.id,
    merchantId: delivery.merchantId,
    payload: { deliveryId: delivery.id, attemptNumber },
    jobs: [attemptJob(delivery.id, attemptNumber, runAt)],
  });
}

interface ClaimedDelivery {
  id: string;
  merchantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  body: string;
  url: string;
  secret: string;
  endpointStatus: 'enabled' | 'disabled';
}

export type AttemptResult =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'succeeded' | 'retrying' | 'failed'; statusCode: number | null; nextAttemptAt: Date | null; endpointDisabled: boolean };

/**
 * Deliveries of outbox events to merchants' endpoints (docs/webhooks.md). The database drives them: a
 * delivery row says whether it is pending and when its next attempt is due; each attempt is one job
 * (`webhook.deliver@<delivery>.<attempt>`) that claims the attempt, commits, calls the endpoint with no
 * transaction open, and records the outcome together with the next attempt's job (through the outbox).
 */
export class WebhookDeliveriesService {
  constructor(
    private readonly database: Database,
    private readonly settings: WebhookSettings,
  ) {}

  /**
   * One delivery per enabled endpoint of the event's merchant subscribed to its type, and a job for each.
   * The unique (endpoint, event) makes a second fan-out of the same event create nothing.
   */
  async fanOut(eventId: string): Promise<{ deliveries: number }> {
    const { rows } = await this.database.pool.query<{ id: string; type: string; merchantId: string | null; payload: Record<string, unknown>; createdAt: Date }>(
      `select id, type, merchant_id as "merchantId", payload, created_at as "createdAt" from outbox where id = $1`,
      [eventId],
    );
    const event = rows[0];
    // Purged (a week after publication) or not a merchant's webhook event: nothing to deliver.
    if (!event || !event.merchantId || !isWebhookEventType(event.type)) return { deliveries: 0 };
    const merchantId = event.merchantId;
    const body = JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), merchantId, data: event.payload });
    return withPoolTransaction(this.database.pool, async (client) => {
      // Only this merchant's endpoints, and only those that existed when the event happened (a late or
      // swept fan-out must not hand old events to an endpoint registered since).
      const endpoints = await client.query<{ id: string }>(
        `select id from webhook_endpoint where merchant_id = $1 and status = 'enabled' and $2 = any(events) and created_at <= $3 order by id`,
        [merchantId, event.type, event.createdAt],
      );
      let created = 0;
      for (const endpoint of endpoints.rows) {
        const inserted = await client.query<{ id: string }>(
          `insert into webhook_delivery (id, merchant_id, endpoint_id, event_id, event_type, body, next_attempt_at)
           values ($1, $2, $3, $4, $5, $6, now()) on conflict (endpoint_id, event_id) do nothing returning id`,
          [newId(), merchantId, endpoint.id, event.id, event.type, body],
        );
        const delivery = inserted.rows[0];
        if (!delivery) continue;
        await scheduleAttempt(client, { id: delivery.id, merchantId }, 1);
        created += 1;
      }
      return { deliveries: created };
    });
  }

  /**
   * Makes attempt `attemptNumber` of a delivery, once: the claim only succeeds while the delivery is
   * pending and has made exactly the attempts before this one, so a job that runs twice calls once.
   */
  async attempt(deliveryId: string, attemptNumber: number): Promise<AttemptResult> {
    const leaseMs = this.settings.timeoutMs + ATTEMPT_LEASE_MARGIN_MS;
    const { rows } = await this.database.pool.query<ClaimedDelivery>(
      `update webhook_delivery d set attempt_count = $2, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
         from webhook_endpoint e
        where d.id = $1 and d.status = 'pending' and d.attempt_count = $2 - 1 and e.id = d.endpoint_id and e.merchant_id = d.merchant_id
        returning d.id, d.merchant_id as "merchantId", d.endpoint_id as "endpointId", d.event_id as "eventId", d.event_type as "eventType",
                  d.body, e.url, e.secret, e.status as "endpointStatus"`,
      [deliveryId, attemptNumber, leaseMs],
    );
    const delivery = rows[0];
    if (!delivery) return { outcome: 'skipped', reason: 'not pending at this attempt' };
    if (delivery.endpointStatus !== 'enabled') {
      // The claimed attempt stays counted (its job id is spent) and is logged as not made.
      await withPoolTransaction(this.database.pool, async (client) => {
        await client.query(
          `insert into webhook_delivery_attempt (id, delivery_id, merchant_id, attempt_number, started_at, error, succeeded)
           values ($1, $2, $3, $4, now(), 'endpoint disabled: not called', false) on conflict (delivery_id, attempt_number) do nothing`,
          [newId(), delivery.id, delivery.merchantId, attemptNumber],
        );
        await client.query(`update webhook_delivery set status = 'failed', next_attempt_at = null, last_error = 'endpoint disabled', updated_at = now() where id = $1`, [delivery.id]);
      });
      return { outcome: 'skipped', reason: 'endpoint disabled' };
    }

    const startedAt = new Date();
    const outcome = await postSigned(delivery.url, delivery.body, delivery.secret, {
      timeoutMs: this.settings.timeoutMs,
      headers: {
        'Minishop-Event-Id': delivery.eventId,
        'Minishop-Event-Type': delivery.eventType,
        'Minishop-Delivery-Id': delivery.id,
        'Minishop-Attempt': String(attemptNumber),
      },
    });
    return withPoolTransaction(this.database.pool, (client) => this.recordOutcome(client, delivery, attemptNumber, startedAt, outcome));
  }

  private async recordOutcome(client: pg.PoolClient, delivery: ClaimedDelivery, attemptNumber: number, startedAt: Date, outcome: SignedPostOutcome): Promise<AttemptResult> {
    await client.query(
      `insert into webhook_delivery_attempt (id, delivery_id, merchant_id, attempt_number, started_at, latency_ms, status_code, response_excerpt, error, succeeded)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (delivery_id, attempt_number) do nothing`,
      [newId(), delivery.id, delivery.merchantId, attemptNumber, startedAt, outcome.latencyMs, outcome.statusCode, outcome.responseExcerpt, outcome.error, outcome.succeeded],
    );
    const lastError = outcome.error ?? (outcome.succeeded ? null : `answered ${outcome.statusCode}`);
    if (outcome.succeeded) {
      await client.query(
        `update webhook_delivery set status = 'succeeded', next_attempt_at = null, delivered_at = now(), last_status_code = $2, last_error = null, updated_at = now() where id = $1`,
        [delivery.id, outcome.statusCode],
      );
      await client.query(`update webhook_endpoint set consecutive_failures = 0, failing_since = null where id = $1 and consecutive_failures > 0`, [delivery.endpointId]);
      return { outcome: 'succeeded', statusCode: outcome.statusCode, nextAttemptAt: null, endpointDisabled: false };
    }

    const endpointDisabled = await this.countFailure(client, delivery, startedAt);
    const retrying = !endpointDisabled && attemptNumber < this.settings.maxAttempts;
    const nextAttemptAt = retrying ? new Date(Date.now() + retryDelayMs(attemptNumber, this.settings)) : null;
    await client.query(
      `update webhook_delivery set status = $2, next_attempt_at = $3, last_status_code = $4, last_error = $5, updated_at = now() where id = $1`,
      [delivery.id, retrying ? 'pending' : 'failed', nextAttemptAt, outcome.statusCode, lastError],
    );
    if (nextAttemptAt) await scheduleAttempt(client, delivery, attemptNumber + 1, nextAttemptAt);
    return { outcome: retrying ? 'retrying' : 'failed', statusCode: outcome.statusCode, nextAttemptAt, endpointDisabled };
  }

  /**
   * Adds a failure to the endpoint's run; disables it, with a `webhook_endpoint.disabled` event, once the
   * run is both long enough and old enough. Returns whether it is now disabled.
   */
  private async countFailure(client: pg.PoolClient, delivery: ClaimedDelivery, startedAt: Date): Promise<boolean> {
    const { rows } = await client.query<{ consecutiveFailures: number; failingSince: Date; status: string }>(
      `update webhook_endpoint set consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, $2)
        where id = $1 returning consecutive_failures as "consecutiveFailures", failing_since as "failingSince", status`,
      [delivery.endpointId, startedAt],
    );
    const endpoint = rows[0];
    if (!endpoint || endpoint.status !== 'enabled') return endpoint?.status === 'disabled';
    const failingForSeconds = (Date.now() - endpoint.failingSince.getTime()) / 1000;
    if (endpoint.consecutiveFailures < this.settings.disableAfterFailures || failingForSeconds < this.settings.disableAfterFailingSeconds) return false;
    const reason = `disabled after ${endpoint.consecutiveFailures} failed attempts in a row since ${endpoint.failingSince.toISOString()}`;
    await client.query(`update webhook_endpoint set status = 'disabled', disabled_at = now(), disabled_reason = $2, updated_at = now() where id = $1`, [delivery.endpointId, reason]);
    // The notice: the console and the merchant's other integrations hear of it through the outbox.
    await addToOutbox(client, {
      type: 'webhook_endpoint.disabled',
      aggregateType: 'webhook_endpoint',
      aggregateId: delivery.endpointId,
      merchantId: delivery.merchantId,
      payload: { endpointId: delivery.endpointId, merchantId: delivery.merchantId, reason, consecutiveFailures: endpoint.consecutiveFailures, failingSince: endpoint.failingSince.toISOString() },
    });
    return true;
  }

  /** Sends a delivery again (after it succeeded or gave up): one more attempt, now, with a fresh signature. */
  async replay(actor: MerchantActor, id: string): Promise<WebhookDeliveryView> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query<WebhookDeliveryView & { endpointStatus: string }>(
        `select ${DELIVERY_COLUMNS}, e.status as "endpointStatus" from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id
          where d.id = $1 and d.merchant_id = $2 for update of d`,
        [id, actor.merchantId],
      );
      const delivery = rows[0];
      if (!delivery) throw new NotFoundError('webhook_delivery', id);
      if (delivery.status === 'pending') throw new WebhookDeliveryPendingError();
      if (delivery.endpointStatus !== 'enabled') throw new WebhookEndpointDisabledError();
      await client.query(`update webhook_delivery set status = 'pending', next_attempt_at = now(), replay_count = replay_count + 1, updated_at = now() where id = $1`, [id]);
      await scheduleAttempt(client, delivery, delivery.attemptCount + 1);
      return this.findView(client, actor, id);
    });
  }

  /**
   * The safety net behind the jobs (Redis lost, a crash between claim and outcome): every pending
   * delivery overdue by more than a minute gets its next attempt's job again, through the outbox. An
   * attempt whose job still exists is not enqueued twice (same job id).
   */
  async sweepDue(now: Date = new Date(), limit = 500): Promise<{ rescheduled: number; fannedOutAgain: number }> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query<{ id: string; merchantId: string; attemptCount: number }>(
        `select d.id, d.merchant_id as "merchantId", d.attempt_count as "attemptCount" from webhook_delivery d
          where d.status = 'pending' and d.next_attempt_at <= $1 order by d.next_attempt_at limit $2 for update of d skip locked`,
        [new Date(now.getTime() - SWEEP_GRACE_MS), limit],
      );
      for (const delivery of rows) await scheduleAttempt(client, delivery, delivery.attemptCount + 1);
      // Events of the last hour whose fan-out job never ran: an endpoint that existed then has no delivery.
      const { rows: events } = await client.query<{ id: string; merchantId: string }>(
        `select distinct o.id, o.merchant_id as "merchantId" from outbox o
           join webhook_endpoint e on e.merchant_id = o.merchant_id and e.status = 'enabled' and o.type = any(e.events) and e.created_at <= o.created_at
          where o.published_at is not null and o.published_at between $1 and $2 and o.type = any($3::text[])
            and not exists (select 1 from webhook_delivery d where d.endpoint_id = e.id and d.event_id = o.id)
          limit $4`,
        [new Date(now.getTime() - FAN_OUT_SWEEP_WINDOW_MS), new Date(now.getTime() - SWEEP_GRACE_MS), WEBHOOK_EVENT_TYPES, limit],
      );
      for (const event of events) {
        await addToOutbox(client, {
          type: 'webhook_event.rescheduled',
          aggregateType: 'outbox_event',
          aggregateId: event.id,
          merchantId: event.merchantId,
          payload: { eventId: event.id },
          jobs: [{ name: 'webhook.fan_out', key: event.id, payload: { eventId: event.id } }],
        });
      }
      return { rescheduled: rows.length, fannedOutAgain: events.length };
    });
  }

  async list(actor: MerchantActor, query: ListQuery<WebhookDeliveryListFilterInput>): Promise<ListPage<WebhookDeliveryView>> {
    const conditions = ['d.merchant_id = $1'];
    const values: unknown[] = [actor.merchantId];
    const { filter } = query;
    if (filter.id) conditions.push(`d.id = any($${values.push(filter.id)}::uuid[])`);
    if (filter.endpointId) conditions.push(`d.endpoint_id = $${values.push(filter.endpointId)}`);
    if (filter.eventId) conditions.push(`d.event_id = $${values.push(filter.eventId)}`);
    if (filter.eventType) conditions.push(`d.event_type = $${values.push(filter.eventType)}`);
    if (filter.status) conditions.push(`d.status = $${values.push(filter.status)}`);
    if (filter.q) conditions.push(`d.event_type ilike $${values.push(containsPattern(filter.q))}`);
    const where = conditions.join(' and ');
    const order = `${SORT_COLUMNS[query.sortField] ?? 'd.created_at'} ${query.sortOrder === 'ASC' ? 'asc' : 'desc'} nulls last, d.id`;
    const [items, total] = await Promise.all([
      this.database.pool.query<WebhookDeliveryView>(`select ${DELIVERY_COLUMNS} from webhook_delivery d where ${where} order by ${order} limit ${query.limit} offset ${query.offset}`, values),
      this.database.pool.query<{ total: number }>(`select count(*)::int as total from webhook_delivery d where ${where}`, values),
    ]);
    return { items: items.rows, total: total.rows[0]?.total ?? 0, offset: query.offset };
  }

  /** One delivery with its body and its log of attempts. */
  async get(actor: MerchantActor, id: string): Promise<WebhookDeliveryDetail> {
    const { rows } = await this.database.pool.query<WebhookDeliveryDetail>(
      `select ${DELIVERY_COLUMNS}, d.body,
              coalesce((select json_agg(json_build_object('attemptNumber', a.attempt_number, 'startedAt', a.started_at, 'latencyMs', a.latency_ms,
                         'statusCode', a.status_code, 'responseExcerpt', a.response_excerpt, 'error', a.error, 'succeeded', a.succeeded) order by a.attempt_number)
                        from webhook_delivery_attempt a where a.delivery_id = d.id), '[]') as attempts
         from webhook_delivery d where d.id = $1 and d.merchant_id = $2`,
      [id, actor.merchantId],
    );
    if (!rows[0]) throw new NotFoundError('webhook_delivery', id);
    return rows[0];
  }

  private async findView(queryable: Queryable, actor: MerchantActor, id: string): Promise<WebhookDeliveryView> {
    const { rows } = await queryable.query<WebhookDeliveryView>(`select ${DELIVERY_COLUMNS} from webhook_delivery d where d.id = $1 and d.merchant_id = $2`, [id, actor.merchantId]);
    if (!rows[0]) throw new NotFoundError('webhook_delivery', id);
    return rows[0];
  }
}
