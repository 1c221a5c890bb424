import { createHmac, randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { hmacKey, signJwt } from '../../db/src/json-web-tokens.ts';
import { verifySignatureHeader } from '../../db/src/modules/webhooks/webhook-signature.ts';
import { TelegramBotApiServer } from '../../db/src/testing/telegram-bot-api/telegram-bot-api-server.ts';
import { WebhookReceiver } from '../../db/src/testing/webhook-receiver.ts';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { placePaidOrder } from '../../api/test/helpers/orders.ts';
import { createGuestShopper, createOperator, createStoreFixture, type ShopperSession, type StoreFixture } from '../../api/test/helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../api/test/helpers/staff.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';

/**
 * Shopper notifications end to end (docs/notifications.md): real orders, the relay, real workers, the
 * Telegram Bot API stand-in for Telegram shoppers and a receiving server for a host chat.
 */
const BOT_TOKEN = '7000001:AAH-minishop-notifications-test-token';

let testApp: TestApp;
let workers: JobWorkers;
let relay: OutboxRelay;
let telegram: TelegramBotApiServer;
let host: WebhookReceiver;
let owner: StaffSession;
let shop: StoreFixture;
let telegramUsers = 880_000;

beforeAll(async () => {
  telegram = await new TelegramBotApiServer(BOT_TOKEN).start();
  host = await new WebhookReceiver().start();
  testApp = await buildTestApp({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_URL: telegram.url, TELEGRAM_INIT_DATA_MAX_AGE_SECONDS: '3600' });
  workers = await startJobWorkers({ config: testApp.config, services: testApp.app.services, processors, logger: pino({ level: 'silent' }), scheduleRepeatableJobs: false });
  relay = new OutboxRelay({ config: testApp.config, pool: testApp.database.pool, queues: workers.queues, publisher: testApp.app.redis, pollIntervalMs: 20 });
  relay.start();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { slug: `tea-${randomUUID().slice(0, 8)}`, variants: [{ priceMinor: 1_250, stockOnHand: 100 }] });
});
afterAll(async () => {
  await relay?.stop();
  await workers?.close();
  await telegram?.close();
  await host?.close();
  await testApp?.close();
});

async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** initData exactly as Telegram builds it for a Mini App, signed with the bot token. */
function telegramInitData(user: Record<string, unknown>): string {
  const fields: Record<string, string> = { query_id: 'AAHdF6IQAAAAAN0XohDhrOrc', user: JSON.stringify(user), auth_date: String(Math.floor(Date.now() / 1000)) };
  const secretKey = createHmac('sha256', 'WebAppData').update(BOT_TOKEN).digest();
  const dataCheckString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  return new URLSearchParams({ ...fields, hash: createHmac('sha256', secretKey).update(dataCheckString).digest('hex') }).toString();
}

/** A shopper who opened the shop in Telegram and, earlier, started the bot. */
async function telegramShopper(languageCode?: string): Promise<ShopperSession & { telegramUserId: number }> {
  telegramUsers += 1;
  const telegramUserId = telegramUsers;
  telegram.userStartedBot(telegramUserId, 'Ada');
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/api/store/sessions',
    payload: { provider: 'telegram', initData: telegramInitData({ id: telegramUserId, first_name: 'Ada', ...(languageCode ? { language_code: languageCode } : {}) }) },
  });
  expect(response.statusCode).toBe(201);
  const body = response.json();
  return { shopperId: body.shopper.id, accessToken: body.accessToken, headers: { authorization: `Bearer ${body.accessToken}` }, telegramUserId };
}

async function eventIdOf(type: string, orderId: string): Promise<string> {
  const { rows } = await testApp.database.pool.query<{ id: string }>(`select id from outbox where type = $1 and aggregate_id = $2`, [type, orderId]);
  return rows[0]!.id;
}

/** The notification job that carries exactly these events, in any state. */
async function jobOfEvents(eventIds: string[]): Promise<Job> {
  const jobs = await workers.queues.queue('notifications').getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
  const job = jobs.find((candidate) => JSON.stringify(candidate.data.eventIds) === JSON.stringify(eventIds));
  if (!job) throw new Error(`no notification job carries ${eventIds.join(', ')}`);
  return job;
}

async function notificationOf(eventId: string) {
  const { rows } = await testApp.database.pool.query(`select status, channel, language, text, external_id, attempt_count, last_error from shopper_notification where event_id = $1`, [eventId]);
  return rows[0] as { status: string; channel: string | null; language: string; text: string; external_id: string | null; attempt_count: number; last_error: string | null } | undefined;
}

describe('notifications to shoppers in Telegram', () => {
  it('tells a Telegram shopper once that their order is paid, and a retried job sends nothing more', async () => {
    const shopper = await telegramShopper('en');
    const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!, 2);
    const [message] = await until(() => telegram.messagesTo(shopper.telegramUserId).length > 0 && telegram.messagesTo(shopper.telegramUserId));
    const { rows } = await testApp.database.pool.query<{ number: number }>('select number from shop_order where id = $1', [order.id]);
    expect(message!.text).toBe(`Payment received: €25.00 for order #${rows[0]!.number} at Shop ${shop.slug}. We will tell you when it ships.`);

    const eventId = await eventIdOf('order.paid', order.id);
    const recorded = await until(async () => (await notificationOf(eventId))?.status === 'sent' && notificationOf(eventId));
    expect(recorded).toMatchObject({ channel: 'telegram', language: 'en', external_id: String(message!.messageId), attempt_count: 1 });

    // The job again (a worker that died after the send was recorded), and by hand: no second message.
    await workers.queues.enqueue('notification.send', { eventIds: [eventId] }, { key: `${eventId}.again` });
    expect(await testApp.app.services.notifications.send([eventId])).toMatchObject([{ status: 'sent' }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(telegram.messagesTo(shopper.telegramUserId)).toHaveLength(1);
  });

  it('sends one message when several jobs of the same event run at once', async () => {
    const shopper = await telegramShopper();
    const queue = workers.queues.queue('notifications');
    await queue.pause();
    try {
      const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!);
      const eventId = await eventIdOf('order.paid', order.id);
      const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => testApp.app.services.notifications.send([eventId])));
      const sent = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value[0]!.status === 'sent');
      expect(sent.length).toBeGreaterThanOrEqual(1);
      // The others found it sent, or being sent (and would retry later, finding it sent).
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(String(outcome.reason)).toMatch(/is being sent by another job/);
    } finally {
      await queue.resume();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(telegram.messagesTo(shopper.telegramUserId)).toHaveLength(1);
  });

  it("writes in Simplified Chinese to a shopper whose Telegram speaks it, through shipping and a refund", async () => {
    const shopper = await telegramShopper('zh-hans');
    const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!);
    await until(() => telegram.messagesTo(shopper.telegramUserId).length === 1);
    expect((await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/pack`, headers: owner.headers, payload: {} })).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/ship`, headers: owner.headers, payload: { carrier: 'SF Express' } })).statusCode).toBe(200);
    await until(() => telegram.messagesTo(shopper.telegramUserId).length === 2);
    const refund = await testApp.app.inject({
      method: 'POST',
      url: `/api/admin/orders/${order.id}/refunds`,
      headers: { ...owner.headers, 'idempotency-key': randomUUID() },
      payload: { amountMinor: 500, reason: 'a dented tin' },
    });
    expect(refund.statusCode).toBe(201);
    const messages = await until(() => telegram.messagesTo(shopper.telegramUserId).length === 3 && telegram.messagesTo(shopper.telegramUserId));
    expect(messages[0]!.text).toMatch(/^已收到付款：/);
    expect(messages[0]!.text).toContain('€12.50');
    expect(messages[1]!.text).toMatch(/已发货。$/);
    expect(messages[2]!.text).toMatch(/的退款 €5\.00 已发起。$/);
    // Packing tells the shopper nothing: only payment, shipping, delivery milestones and refunds do.
    const { rows } = await testApp.database.pool.query(`select kind from shopper_notification where shopper_id = $1 order by created_at`, [shopper.shopperId]);
    expect(rows.map((row) => row.kind)).toEqual(['order_paid', 'order_shipped', 'refund_created']);
  });

  it('waits the retry_after of a 429 from the Bot API, then sends the message once', async () => {
    const shopper = await telegramShopper();
    telegram.rateLimitNext(1, 1);
    const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!);
    await until(() => telegram.messagesTo(shopper.telegramUserId).length === 1, 15_000);
    const calls = telegram.requests.filter((request) => Number(request.chatId) === shopper.telegramUserId);
    expect(calls.map((call) => call.status)).toEqual([429, 200]);
    expect(calls[1]!.receivedAtMs - calls[0]!.receivedAtMs).toBeGreaterThanOrEqual(950);
    const notification = await until(async () => (await notificationOf(await eventIdOf('order.paid', order.id)))?.status === 'sent' && notificationOf(await eventIdOf('order.paid', order.id)));
    expect(notification.attempt_count).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(telegram.messagesTo(shopper.telegramUserId)).toHaveLength(1);
  });

  it("tells every shopper of one relay pass through one job, once each, and retries only the one Telegram asked to wait", async () => {
    const shoppers = [await telegramShopper('en'), await telegramShopper('en'), await telegramShopper('en')];
    const blocked = await telegramShopper('en');
    telegram.userBlockedBot(blocked.telegramUserId);
    const guest = await createGuestShopper(testApp.app);
    // The relay stopped, so that the five payments are relayed in one pass.
    await relay.stop();
    let eventIds: string[];
    try {
      const orders = [];
      for (const shopper of [...shoppers, blocked, guest]) orders.push(await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!));
      eventIds = await Promise.all(orders.map((order) => eventIdOf('order.paid', order.id)));
      telegram.rateLimitNext(1, 1);
      await relay.drain();
    } finally {
      relay.start();
    }
    // One job carries the pass's four events of Telegram shoppers (the relay keys it by them); the guest's,
    // whom no chat reaches, starts none.
    const toldIds = eventIds.slice(0, 4);
    expect((await jobOfEvents(toldIds)).id).toMatch(/^notification\.send@events-4-/);

    const notifications = await until(async () => {
      const all = await Promise.all(toldIds.map(notificationOf));
      return all.every((notification) => notification && ['sent', 'failed'].includes(notification.status)) && all;
    }, 15_000);
    expect(notifications.map((notification) => notification!.status)).toEqual(['sent', 'sent', 'sent', 'failed']);
    expect(await notificationOf(eventIds[4]!)).toBeUndefined();
    // One of the three met the 429 and was sent on the job's second attempt; the others were not sent again.
    expect(notifications.slice(0, 3).map((notification) => notification!.attempt_count).sort()).toEqual([1, 1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const shopper of shoppers) expect(telegram.messagesTo(shopper.telegramUserId)).toHaveLength(1);
    expect(telegram.messagesTo(blocked.telegramUserId)).toEqual([]);
  });

  it("tells a shopper of two events relayed in one pass in the events' order", async () => {
    const shopper = await telegramShopper('en');
    await relay.stop();
    try {
      const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!);
      expect((await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/pack`, headers: owner.headers, payload: {} })).statusCode).toBe(200);
      expect((await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${order.id}/ship`, headers: owner.headers, payload: { carrier: 'SF Express' } })).statusCode).toBe(200);
      await relay.drain();
      await jobOfEvents([await eventIdOf('order.paid', order.id), await eventIdOf('order.shipped', order.id)]);
    } finally {
      relay.start();
    }
    const messages = await until(() => telegram.messagesTo(shopper.telegramUserId).length === 2 && telegram.messagesTo(shopper.telegramUserId));
    expect(messages[0]!.text).toMatch(/^Payment received/);
    expect(messages[1]!.text).toMatch(/has shipped\.$/);
  });

  it('gives up at once, recording why, when the shopper blocked the bot', async () => {
    const shopper = await telegramShopper();
    telegram.userBlockedBot(shopper.telegramUserId);
    const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!);
    const eventId = await eventIdOf('order.paid', order.id);
    const notification = await until(async () => (await notificationOf(eventId))?.status === 'failed' && notificationOf(eventId));
    expect(notification).toMatchObject({ attempt_count: 1, last_error: '403 Forbidden: bot was blocked by the user' });
    expect(telegram.messagesTo(shopper.telegramUserId)).toEqual([]);
  });

  it("has the sweeper send a notification whose job Redis lost, once", async () => {
    const shopper = await telegramShopper();
    const queue = workers.queues.queue('notifications');
    await queue.pause();
    let eventId: string;
    try {
      const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!);
      eventId = await eventIdOf('order.paid', order.id);
      await until(async () => (await queue.getJob(`notification.send@${eventId}`)) !== undefined);
      await queue.obliterate({ force: true });
    } finally {
      await queue.resume();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(telegram.messagesTo(shopper.telegramUserId)).toEqual([]);
    expect(await notificationOf(eventId)).toBeUndefined();

    // Within its minute of grace the event is left to its own job; after it, the sweeper enqueues it again.
    const sweptEarly = await testApp.app.services.notifications.sweepMissing(new Date());
    expect(sweptEarly.rescheduled).toBe(0);
    expect((await testApp.app.services.notifications.sweepMissing(new Date(Date.now() + 120_000))).rescheduled).toBeGreaterThanOrEqual(1);
    await until(async () => (await notificationOf(eventId))?.status === 'sent');
    expect(telegram.messagesTo(shopper.telegramUserId)).toHaveLength(1);
    expect((await testApp.app.services.notifications.sweepMissing(new Date(Date.now() + 120_000))).rescheduled).toBe(0);
  });

  it("starts no job for a guest's order, whom no chat reaches, and the sweeper leaves it too; a job that comes anyway records it skipped", async () => {
    const guest = await createGuestShopper(testApp.app);
    const order = await placePaidOrder(testApp.app, guest, shop.slug, shop.variantIds[0]!);
    const eventId = await eventIdOf('order.paid', order.id);
    await until(async () => (await testApp.database.pool.query('select 1 from outbox where id = $1 and published_at is not null', [eventId])).rowCount === 1);
    // A Telegram shopper's payment after it, told: every job the relay started before it has run by then.
    const shopper = await telegramShopper();
    const told = await eventIdOf('order.paid', (await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!)).id);
    await until(async () => (await notificationOf(told))?.status === 'sent');
    expect(await notificationOf(eventId)).toBeUndefined();
    const jobs = await workers.queues.queue('notifications').getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.some((job) => job.data.eventIds.includes(told))).toBe(true);
    expect(jobs.some((job) => job.data.eventIds.includes(eventId))).toBe(false);
    // Past its minute of grace, without a row: the sweeper still starts nothing for it.
    await testApp.app.services.notifications.sweepMissing(new Date(Date.now() + 120_000));
    const rescheduled = await testApp.database.pool.query(`select 1 from outbox where type = 'notification.rescheduled' and aggregate_id = $1`, [eventId]);
    expect(rescheduled.rowCount).toBe(0);

    // The service still decides for itself: given the event, it records why nobody was told.
    expect(await testApp.app.services.notifications.send([eventId])).toEqual([{ status: 'skipped', notificationId: expect.any(String), reason: 'no chat to reach the shopper' }]);
    expect(await notificationOf(eventId)).toMatchObject({ status: 'skipped', channel: null, last_error: 'no chat to reach the shopper' });
  });
});

describe('notifications to shoppers of a host chat', () => {
  it("posts a signed notification to the host's URL, verifiable with the secret shown once", async () => {
    const operator = await createOperator(testApp.app);
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/operator/chat-hosts',
      headers: operator.headers,
      payload: { name: 'Lotus Chat', notificationUrl: host.url('/notify') },
    });
    expect(created.statusCode).toBe(201);
    const chatHost = created.json();
    expect(chatHost.notificationSecret).toEqual(expect.any(String));
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/operator/chat-hosts/${chatHost.id}`, headers: operator.headers })).json()).not.toHaveProperty('notificationSecret');

    const token = await signJwt({ name: 'Li Wei', locale: 'zh-CN' }, hmacKey(chatHost.secret), { nowSeconds: Math.floor(Date.now() / 1000), expiresInSeconds: 600, subject: 'lotus-user-42' });
    const session = await testApp.app.inject({ method: 'POST', url: '/api/store/sessions', payload: { provider: 'host', hostId: chatHost.id, token } });
    expect(session.statusCode).toBe(201);
    const shopper = { shopperId: session.json().shopper.id, accessToken: session.json().accessToken, headers: { authorization: `Bearer ${session.json().accessToken}` } };
    const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!);

    const [request] = await until(() => host.requestsTo('/notify').length > 0 && host.requestsTo('/notify'));
    const signature = request!.headers['minishop-signature'] as string;
    expect(verifySignatureHeader(chatHost.notificationSecret, request!.body, signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignatureHeader(chatHost.secret, request!.body, signature, Math.floor(Date.now() / 1000))).toBe(false);
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({ eventId: await eventIdOf('order.paid', order.id), kind: 'order_paid', recipient: 'lotus-user-42', language: 'zh-Hans', order: { id: order.id } });
    expect(body.text).toMatch(/^已收到付款：/);
  });

  it('refuses a notification URL in plain http to a host that is not loopback, with the field named', async () => {
    const operator = await createOperator(testApp.app);
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/operator/chat-hosts',
      headers: operator.headers,
      payload: { name: 'Plain Chat', notificationUrl: 'http://chat.example.com/notify' },
    });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors)).toEqual(['notificationUrl']);
  });
});
