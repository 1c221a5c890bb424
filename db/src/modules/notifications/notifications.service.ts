import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { newId } from '../../ids.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
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

interface Recipient {
  shopperId: string;
  language: string | null;
  telegramUserId: string | null;
  hostSubject: string | null;
  hostUrl: string | null;
  hostSecret: string | null;
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
    const { rows: events } = await this.database.pool.query<{ type: string; payload: Record<string, unknown> }>(`select type, payload from outbox where id = $1`, [eventId]);
    const event = events[0];
    const kind = event ? notificationKind(event.type, event.payload) : null;
    if (!event || !kind) return { status: 'skipped', notificationId: null, reason: 'not a notification event' };
    const orderId = event.payload.orderId as string;
    const { rows: orders } = await this.database.pool.query<{ number: number | null; shopperId: string; merchantId: string; currency: string; totalMinor: number; source: string; shopName: string }>(
      `select o.number, o.shopper_id as "shopperId", o.merchant_id as "merchantId", o.currency, o.total_minor as "totalMinor", o.source, s.name as "shopName"
         from shop_order o join shop s on s.id = o.shop_id where o.id = $1`,
      [orderId],
    );
    const order = orders[0];
    if (!order) return { status: 'skipped', notificationId: null, reason: 'order not found' };
    const recipient = await this.recipient(order.shopperId);
    const language = messageLanguage(recipient.language);
    const amountMinor = kind === 'refund_created' && typeof event.payload.amountMinor === 'number' ? event.payload.amountMinor : order.totalMinor;
    const text = notificationText(kind, language, {
      orderNumber: order.number,
      shopName: order.shopName,
      currency: order.currency,
      amountMinor,
      note: typeof event.payload.message === 'string' ? event.payload.message.slice(0, 200) : null,
    });
    const adapter = this.adapterFor(recipient);
    // A counter order is paid and handed over at once, in front of the shopper: "delivered" is noise.
    const skipReason = !adapter ? 'no chat to reach the shopper' : kind === 'order_delivered' && order.source === 'counter' ? 'handed over at the counter' : null;

    await this.database.pool.query(
      `insert into shopper_notification (id, event_id, shopper_id, merchant_id, kind, channel, language, text, status, last_error)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (event_id, shopper_id) do nothing`,
      [newId(), eventId, order.shopperId, order.merchantId, kind, adapter?.channel ?? null, language, text, skipReason ? 'skipped' : 'pending', skipReason],
    );
    // Claim it: only a notification not yet sent (nor given up) is sent, by one job at a time. A claim
    // older than one call's time limit belongs to a worker that died mid-send: it may be taken over.
    const { rows: claimed } = await this.database.pool.query<NotificationRow>(
      `update shopper_notification set status = 'sending', attempt_count = attempt_count + 1, updated_at = now()
        where event_id = $1 and shopper_id = $2
          and (status = 'pending' or (status = 'sending' and updated_at < now() - make_interval(secs => $3::double precision / 1000)))
        returning id, status, channel, text, language, kind, shopper_id as "shopperId"`,
      [eventId, order.shopperId, this.config.notifications.timeoutMs + CLAIM_MARGIN_MS],
    );
    const notification = claimed[0];
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
      recipient: (adapter.channel === 'telegram' ? recipient.telegramUserId : recipient.hostSubject) as string,
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

  private async recipient(shopperId: string): Promise<Recipient> {
    const { rows } = await this.database.pool.query<Recipient>(
      `select s.id as "shopperId", s.language,
              (select i.subject from shopper_identity i where i.shopper_id = s.id and i.provider = 'telegram' order by i.last_signed_in_at desc limit 1) as "telegramUserId",
              host.subject as "hostSubject", host.notification_url as "hostUrl", host.notification_secret as "hostSecret"
         from shopper s
         left join lateral (
           select i.subject, h.notification_url, h.notification_secret from shopper_identity i join chat_host h on h.id = i.chat_host_id
            where i.shopper_id = s.id and i.provider = 'host' and h.status = 'active' and h.notification_url is not null
            order by i.last_signed_in_at desc limit 1) host on true
        where s.id = $1`,
      [shopperId],
    );
    return rows[0] ?? { shopperId, language: null, telegramUserId: null, hostSubject: null, hostUrl: null, hostSecret: null };
  }
}
