import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { newId } from '../../ids.ts';
import { notificationJob } from '../../outbox/event-jobs.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import { RetryAfterError } from '../../queues/retry-after.ts';
import type { ChatAdapter, ChatMessage } from './chat-adapter.ts';
import { HostAdapter } from './host-adapter.ts';
import { MAX_EVENTS_PER_NOTIFICATION_JOB, NOTIFICATION_EVENT_TYPES, notifiableEventSql, notificationKind, UUID_SHAPE, type NotificationKind } from './notification-events.ts';
import { messageLanguage, notificationText } from './notification-messages.ts';
import { TelegramAdapter } from './telegram-adapter.ts';

export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'skipped' | 'failed';

interface NotificationRow {
  id: string;
  status: NotificationStatus;
  channel: 'telegram' | 'host' | null;
  text: string;
  language: string;
  kind: NotificationKind;
  shopperId: string;
}

/** How a shopper can be reached: their language, their Telegram user, their host chat. */
interface Recipient {
  language: string | null;
  telegramUserId: string | null;
  hostSubject: string | null;
  hostUrl: string | null;
  hostSecret: string | null;
}

/** What one notification job reads (readFacts): the event, its order, and the shopper's chats. */
interface EventFacts extends Recipient {
  type: string;
  payload: Record<string, unknown>;
  order: { number: number | null; shopperId: string; merchantId: string; currency: string; totalMinor: number; source: string; shopName: string } | null;
}

export interface SendResult {
  status: NotificationStatus;
  notificationId: string | null;
  reason?: string;
}

/** A notification's events older than this are not swept any more: the news would come too late. */
const SWEEP_WINDOW_MS = 60 * 60 * 1_000;
/** How much longer than one call's time limit a claim protects a notification being sent. */
const CLAIM_MARGIN_MS = 30_000;
/** An event's own job gets this long before the sweeper asks again. */
const SWEEP_GRACE_MS = 60 * 1_000;
/** Notifications claimed and sent together, their calls at once (partsToSend). */
const SEND_PART_SIZE = 16;

/** One event's notification, worked out before its row is written. */
interface Draft {
  eventId: string;
  facts: EventFacts;
  kind: NotificationKind;
  order: NonNullable<EventFacts['order']>;
  language: string;
  text: string;
  adapter: ChatAdapter | null;
  skipReason: string | null;
}

/**
 * Tells shoppers in their chat what happened to their order (docs/notifications.md): one notification
 * row per (event, shopper), written before the chat is called, so a retried job never sends a message
 * whose send was recorded; the call itself happens with no transaction open.
 */
export class NotificationsService {
  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'shoppers' | 'notifications'>,
  ) {}

  /**
   * Tells the shoppers of these events (a relay pass's notification events, or one event). One read for
   * them all; then part after part (partsToSend), each part's rows written already claimed just before its
   * calls, which run at once. An event that cannot be told now (a chat's temporary failure, another job
   * sending it) does not stop the others: the call throws once all are done, so the job is retried and
   * finds the others already handled.
   */
  async send(eventIds: readonly string[]): Promise<SendResult[]> {
    const uniqueEventIds = [...new Set(eventIds)];
    if (uniqueEventIds.length > MAX_EVENTS_PER_NOTIFICATION_JOB) throw new Error(`at most ${MAX_EVENTS_PER_NOTIFICATION_JOB} events per call, not ${uniqueEventIds.length}`);
    const factsByEvent = await this.readFacts(uniqueEventIds);
    const results = new Map<string, SendResult>();
    const drafts: Draft[] = [];
    for (const eventId of uniqueEventIds) {
      const draft = this.draft(eventId, factsByEvent.get(eventId));
      if ('status' in draft) results.set(eventId, draft);
      else drafts.push(draft);
    }
    const failures: unknown[] = [];
    for (const part of partsToSend(drafts)) {
      const created = await this.insertClaimed(part);
      const taken: { id: string; externalId: string | null }[] = [];
      await Promise.all(
        part.map(async (draft) => {
          try {
            const { taken: externalId, ...result } = await this.deliver(draft, created.get(draft.eventId));
            if (externalId !== undefined && result.notificationId) taken.push({ id: result.notificationId, externalId });
            results.set(draft.eventId, result);
          } catch (error) {
            failures.push(error);
          }
        }),
      );
      // The messages the part's chats took, recorded together: one statement, not one per message. A worker
      // that dies before it leaves them `sending`, and their claims' expiry sends them again (at least once).
      if (taken.length) await this.markSent(taken);
    }
    if (failures.length) throw oneFailure(failures, uniqueEventIds.length);
    return eventIds.map((eventId) => results.get(eventId) as SendResult);
  }

  /** What to tell about one event and through which chat, or why nothing is to be told. */
  private draft(eventId: string, facts: EventFacts | undefined): Draft | SendResult {
    const kind = facts ? notificationKind(facts.type, facts.payload) : null;
    if (!facts || !kind) return { status: 'skipped', notificationId: null, reason: 'not a notification event' };
    const order = facts.order;
    if (!order) return { status: 'skipped', notificationId: null, reason: 'order not found' };
    const language = messageLanguage(facts.language);
    const amountMinor = kind === 'refund_created' && typeof facts.payload.amountMinor === 'number' ? facts.payload.amountMinor : order.totalMinor;
    const text = notificationText(kind, language, {
      orderNumber: order.number,
      shopName: order.shopName,
      currency: order.currency,
      amountMinor,
      note: typeof facts.payload.message === 'string' ? facts.payload.message.slice(0, 200) : null,
    });
    const adapter = this.adapterFor(facts);
    // A counter order is paid and handed over at once, in front of the shopper: "delivered" is noise.
    const skipReason = !adapter ? 'no chat to reach the shopper' : kind === 'order_delivered' && order.source === 'counter' ? 'handed over at the counter' : null;
    return { eventId, facts, kind, order, language, text, adapter, skipReason };
  }

  /**
   * The first job of an event writes its notification already claimed ('sending', one attempt) or, when
   * nobody is to be told, already skipped: one statement for the part. A later job (a retry, a twin)
   * finds the row there and goes through the claim in deliver(). Answers the rows this call created.
   */
  private async insertClaimed(drafts: Draft[]): Promise<Map<string, NotificationRow>> {
    const { rows } = await this.database.pool.query<NotificationRow & { eventId: string }>(
      prepared(
        `insert into shopper_notification (id, event_id, shopper_id, merchant_id, kind, channel, language, text, status, last_error, attempt_count)
         select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::integer[])
         on conflict (event_id, shopper_id) do nothing
         returning id, event_id as "eventId", status, channel, text, language, kind, shopper_id as "shopperId"`,
        [
          drafts.map(() => newId()),
          drafts.map((draft) => draft.eventId),
          drafts.map((draft) => draft.order.shopperId),
          drafts.map((draft) => draft.order.merchantId),
          drafts.map((draft) => draft.kind),
          drafts.map((draft) => draft.adapter?.channel ?? null),
          drafts.map((draft) => draft.language),
          drafts.map((draft) => draft.text),
          drafts.map((draft) => (draft.skipReason ? 'skipped' : 'sending')),
          drafts.map((draft) => draft.skipReason),
          drafts.map((draft) => (draft.skipReason ? 0 : 1)),
        ],
      ),
    );
    return new Map(rows.map((row) => [row.eventId, row]));
  }

  /**
   * Sends one event's message through its chat (no transaction open) and records the outcome, except a message
   * the chat took: that one comes back with the chat's message id as `taken`, for markSent.
   */
  private async deliver(draft: Draft, created: NotificationRow | undefined): Promise<SendResult & { taken?: string | null }> {
    const { eventId, facts, kind, order, adapter, skipReason } = draft;
    if (created && skipReason) return { status: 'skipped', notificationId: created.id, reason: skipReason };
    // Claim it: only a notification not yet sent (nor given up) is sent, by one job at a time. A claim
    // older than one call's time limit belongs to a worker that died mid-send: it may be taken over.
    const notification =
      created ??
      (
        await this.database.pool.query<NotificationRow>(
          `update shopper_notification set status = 'sending', attempt_count = attempt_count + 1, updated_at = now()
            where event_id = $1 and shopper_id = $2
              and (status = 'pending' or (status = 'sending' and updated_at < now() - make_interval(secs => $3::double precision / 1000)))
            returning id, status, channel, text, language, kind, shopper_id as "shopperId"`,
          [eventId, order.shopperId, this.config.notifications.timeoutMs + CLAIM_MARGIN_MS],
        )
      ).rows[0];
    if (!notification || !adapter) {
      const { rows } = await this.database.pool.query<{ id: string; status: NotificationStatus }>(`select id, status from shopper_notification where event_id = $1 and shopper_id = $2`, [eventId, order.shopperId]);
      // Another job is sending it right now: try again after its claim has run out, in case it dies.
      if (rows[0]?.status === 'sending') throw new Error(`notification ${rows[0].id} is being sent by another job`);
      return { status: rows[0]?.status ?? 'skipped', notificationId: rows[0]?.id ?? null, reason: 'already handled' };
    }

    const message: ChatMessage = {
      notificationId: notification.id,
      eventId,
      kind,
      shopperId: order.shopperId,
      recipient: (adapter.channel === 'telegram' ? facts.telegramUserId : facts.hostSubject) as string,
      language: notification.language,
      text: notification.text,
      orderId: facts.payload.orderId as string,
      orderNumber: order.number,
    };
    let result;
    try {
      result = await adapter.send(message);
    } catch (error) {
      await this.database.pool.query(`update shopper_notification set status = 'pending', last_error = $2, updated_at = now() where id = $1 and status = 'sending'`, [
        notification.id,
        error instanceof Error ? error.message.slice(0, 500) : String(error),
      ]);
      throw error;
    }
    if (result.outcome === 'sent') return { status: 'sent', notificationId: notification.id, taken: result.externalId };
    await this.database.pool.query(`update shopper_notification set status = 'failed', last_error = $2, updated_at = now() where id = $1`, [notification.id, result.error.slice(0, 500)]);
    return { status: 'failed', notificationId: notification.id, reason: result.error };
  }

  /** Marks notifications sent, with the message id each chat gave. */
  private async markSent(taken: { id: string; externalId: string | null }[]): Promise<void> {
    await this.database.pool.query(
      prepared(
        `update shopper_notification notification
            set status = 'sent', external_id = taken.external_id, sent_at = now(), last_error = null, updated_at = now()
           from unnest($1::uuid[], $2::text[]) as taken (id, external_id)
          where notification.id = taken.id`,
        [taken.map((row) => row.id), taken.map((row) => row.externalId)],
      ),
    );
  }

  /**
   * The safety net (Redis lost between the relay and the job): notification events of the last hour
   * that have no notification row yet, and whose shopper a chat reaches (the relay's own test,
   * notifiableEventSql: it started no job for the others), get their job again, through the outbox.
   */
  async sweepMissing(now: Date = new Date(), limit = 500): Promise<{ rescheduled: number }> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query<{ id: string; type: string; payload: Record<string, unknown> }>(
        `select o.id, o.type, o.payload from outbox o
          where o.published_at is not null and o.published_at between $1 and $2 and o.type = any($3::text[])
            and not exists (select 1 from shopper_notification n where n.event_id = o.id)
            and ${notifiableEventSql('o', '$5::boolean')}
          order by o.published_at limit $4`,
        [new Date(now.getTime() - SWEEP_WINDOW_MS), new Date(now.getTime() - SWEEP_GRACE_MS), NOTIFICATION_EVENT_TYPES, limit, Boolean(this.config.shoppers.telegramBotToken)],
      );
      let rescheduled = 0;
      for (const event of rows) {
        if (!notificationKind(event.type, event.payload)) continue;
        await addToOutbox(client, {
          type: 'notification.rescheduled',
          aggregateType: 'outbox_event',
          aggregateId: event.id,
          payload: { eventId: event.id },
          jobs: [notificationJob([event.id])],
        });
        rescheduled += 1;
      }
      return { rescheduled };
    });
  }

  /** Telegram when the shopper came through Telegram and a bot token is set; else their host chat if it takes notifications. */
  private adapterFor(recipient: Recipient): ChatAdapter | null {
    const botToken = this.config.shoppers.telegramBotToken;
    if (recipient.telegramUserId && botToken) {
      return new TelegramAdapter({ apiUrl: this.config.notifications.telegramApiUrl, botToken, timeoutMs: this.config.notifications.timeoutMs });
    }
    if (recipient.hostSubject && recipient.hostUrl && recipient.hostSecret) {
      return new HostAdapter({ url: recipient.hostUrl, secret: recipient.hostSecret, timeoutMs: this.config.notifications.timeoutMs });
    }
    return null;
  }

  /**
   * The events, their orders and shops, and how their shoppers can be reached, in one statement: a job runs
   * for every relay pass with paid orders in it, so its reads are one round trip. An order id comes from its
   * event's payload and is only cast when it has a UUID's shape (a malformed one finds no order instead of
   * failing the job).
   */
  private async readFacts(eventIds: string[]): Promise<Map<string, EventFacts>> {
    const { rows } = await this.database.pool.query<EventFacts & { id: string }>(
      prepared(
        `select event.id, event.type, event.payload,
                case when o.id is null then null else json_build_object('number', o.number, 'shopperId', o.shopper_id, 'merchantId', o.merchant_id, 'currency', o.currency,
                                                                   'totalMinor', o.total_minor, 'source', o.source, 'shopName', shop.name) end as "order",
                shopper.language,
                (select i.subject from shopper_identity i where i.shopper_id = o.shopper_id and i.provider = 'telegram' order by i.last_signed_in_at desc limit 1) as "telegramUserId",
                host.subject as "hostSubject", host.notification_url as "hostUrl", host.notification_secret as "hostSecret"
           from outbox event
           left join shop_order o on o.id = case when event.payload ->> 'orderId' ~ '${UUID_SHAPE}' then (event.payload ->> 'orderId')::uuid end
           left join shop on shop.id = o.shop_id
           left join shopper on shopper.id = o.shopper_id
           left join lateral (
             select i.subject, h.notification_url, h.notification_secret from shopper_identity i join chat_host h on h.id = i.chat_host_id
              where i.shopper_id = o.shopper_id and i.provider = 'host' and h.status = 'active' and h.notification_url is not null
              order by i.last_signed_in_at desc limit 1) host on true
          where event.id = any($1::uuid[])`,
        [eventIds],
      ),
    );
    return new Map(rows.map((row) => [row.id, row]));
  }
}

/**
 * The order in which a call's notifications are sent: parts of at most SEND_PART_SIZE, each with at most
 * one event per shopper (a shopper's first event in the first parts, the second after them, ...), so a
 * shopper's messages go out in their events' order and every claim is taken just before its own call
 * (none waits behind another call for longer than its margin).
 */
function partsToSend(drafts: Draft[]): Draft[][] {
  const rounds: Draft[][] = [];
  const eventsOfShopper = new Map<string, number>();
  for (const draft of drafts) {
    const round = eventsOfShopper.get(draft.order.shopperId) ?? 0;
    eventsOfShopper.set(draft.order.shopperId, round + 1);
    (rounds[round] ??= []).push(draft);
  }
  const parts: Draft[][] = [];
  for (const round of rounds) for (let start = 0; start < round.length; start += SEND_PART_SIZE) parts.push(round.slice(start, start + SEND_PART_SIZE));
  return parts;
}

/**
 * One error for the events of a call that could not be told now, for BullMQ's retry: a chat's
 * `retry_after` (the longest asked) when one asked for it, so the workers' backoff waits exactly that.
 */
function oneFailure(failures: unknown[], eventCount: number): unknown {
  if (failures.length === 1) return failures[0];
  const message = `${failures.length} of ${eventCount} notifications could not be sent now; the first: ${failures[0] instanceof Error ? failures[0].message : String(failures[0])}`;
  const waits = failures.filter((failure): failure is RetryAfterError => failure instanceof RetryAfterError).map((failure) => failure.retryAfterMs);
  return waits.length ? new RetryAfterError(message, Math.max(...waits)) : new Error(message, { cause: failures[0] });
}
