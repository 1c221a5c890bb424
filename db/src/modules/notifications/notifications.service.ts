import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { newId } from '../../ids.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import type { ChatAdapter, ChatMessage } from './chat-adapter.ts';
import { HostAdapter } from './host-adapter.ts';
import { NOTIFICATION_EVENT_TYPES, notificationKind, type NotificationKind } from './notification-events.ts';
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

const UUID_SHAPE = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

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

  async send(eventId: string): Promise<SendResult> {
    const facts = await this.readFacts(eventId);
    const kind = facts ? notificationKind(facts.type, facts.payload) : null;
    if (!facts || !kind) return { status: 'skipped', notificationId: null, reason: 'not a notification event' };
    const orderId = facts.payload.orderId as string;
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

    // The first job of an event writes its notification already claimed ('sending', one attempt) or, when
    // nobody is to be told, already skipped: one statement. A later job (a retry, a twin) finds the row
    // there and goes through the claim below.
    const { rows: created } = await this.database.pool.query<NotificationRow>(
      prepared(
        `insert into shopper_notification (id, event_id, shopper_id, merchant_id, kind, channel, language, text, status, last_error, attempt_count)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (event_id, shopper_id) do nothing
         returning id, status, channel, text, language, kind, shopper_id as "shopperId"`,
        [newId(), eventId, order.shopperId, order.merchantId, kind, adapter?.channel ?? null, language, text, skipReason ? 'skipped' : 'sending', skipReason, skipReason ? 0 : 1],
      ),
    );
    if (created[0] && skipReason) return { status: 'skipped', notificationId: created[0].id, reason: skipReason };
    // Claim it: only a notification not yet sent (nor given up) is sent, by one job at a time. A claim
    // older than one call's time limit belongs to a worker that died mid-send: it may be taken over.
    const notification =
      created[0] ??
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
      orderId,
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
    if (result.outcome === 'sent') {
      await this.database.pool.query(`update shopper_notification set status = 'sent', external_id = $2, sent_at = now(), last_error = null, updated_at = now() where id = $1`, [
        notification.id,
        result.externalId,
      ]);
      return { status: 'sent', notificationId: notification.id };
    }
    await this.database.pool.query(`update shopper_notification set status = 'failed', last_error = $2, updated_at = now() where id = $1`, [notification.id, result.error.slice(0, 500)]);
    return { status: 'failed', notificationId: notification.id, reason: result.error };
  }

  /**
   * The safety net (Redis lost between the relay and the job): notification events of the last hour
   * that have no notification row yet get their job again, through the outbox.
   */
  async sweepMissing(now: Date = new Date(), limit = 500): Promise<{ rescheduled: number }> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query<{ id: string; type: string; payload: Record<string, unknown> }>(
        `select o.id, o.type, o.payload from outbox o
          where o.published_at is not null and o.published_at between $1 and $2 and o.type = any($3::text[])
            and not exists (select 1 from shopper_notification n where n.event_id = o.id)
          order by o.published_at limit $4`,
        [new Date(now.getTime() - SWEEP_WINDOW_MS), new Date(now.getTime() - SWEEP_GRACE_MS), NOTIFICATION_EVENT_TYPES, limit],
      );
      let rescheduled = 0;
      for (const event of rows) {
        if (!notificationKind(event.type, event.payload)) continue;
        await addToOutbox(client, {
          type: 'notification.rescheduled',
          aggregateType: 'outbox_event',
          aggregateId: event.id,
          payload: { eventId: event.id },
          jobs: [{ name: 'notification.send', key: event.id, payload: { eventId: event.id } }],
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
   * The event, its order and shop, and how its shopper can be reached, in one statement: a job runs for
   * every paid order, so its reads are one round trip. The order id comes from the event's payload and is
   * only cast when it has a UUID's shape (a malformed one finds no order instead of failing the job).
   */
  private async readFacts(eventId: string): Promise<EventFacts | null> {
    const { rows } = await this.database.pool.query<EventFacts>(
      prepared(
        `select event.type, event.payload,
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
          where event.id = $1`,
        [eventId],
      ),
    );
    return rows[0] ?? null;
  }
}
