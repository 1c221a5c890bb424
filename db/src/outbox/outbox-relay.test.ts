import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../ids.ts';
import { withPoolTransaction } from '../pool-transaction.ts';
import { JobQueues } from '../queues/job-queues.ts';
import { jobId } from '../queues/registry.ts';
import { connectRedis, createRedis } from '../redis.ts';
import { createTestEnvironment, type TestEnvironment } from '../testing/databases.ts';
import { addToOutbox, aggregateEventsChannel, allEventsChannel, onOutboxCommitted, outboxCommittedChannel, type OutboxEvent, type OutboxMessage } from './outbox.ts';
import { OutboxRelay } from './outbox-relay.ts';

let environment: TestEnvironment;
let queues: JobQueues;
let publisher: Redis;
let subscriber: Redis;
const received: OutboxMessage[] = [];
const receivedOnAggregate: string[] = [];
let watchedAggregateId: string;

beforeAll(async () => {
  // A bot token, so that an order of a Telegram shopper is one a chat reaches (notifiableEventSql).
  environment = await createTestEnvironment({ TELEGRAM_BOT_TOKEN: '7000002:AAH-minishop-relay-test-token' });
  queues = new JobQueues(environment.config);
  publisher = await connectRedis(createRedis(environment.config), environment.config.redis.url);
  subscriber = await connectRedis(createRedis(environment.config), environment.config.redis.url);
  watchedAggregateId = newId();
  await subscriber.subscribe(allEventsChannel(environment.config), aggregateEventsChannel(environment.config, 'order', watchedAggregateId));
  subscriber.on('message', (channel: string, text: string) => {
    if (channel === allEventsChannel(environment.config)) received.push(JSON.parse(text));
    else receivedOnAggregate.push(JSON.parse(text).id);
  });
});
afterAll(async () => {
  subscriber?.disconnect();
  publisher?.disconnect();
  await queues?.close();
  await environment?.cleanup();
});
beforeEach(async () => {
  await environment.database.pool.query('delete from outbox');
  received.length = 0;
});

function relay(overrides: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}) {
  return new OutboxRelay({ config: environment.config, pool: environment.database.pool, queues, publisher, ...overrides });
}

function orderEvent(aggregateId = newId(), jobs: OutboxEvent['jobs'] = []): OutboxEvent {
  return { type: 'order.placed', aggregateType: 'order', aggregateId, merchantId: null, payload: { orderId: aggregateId }, jobs };
}

async function write(...events: OutboxEvent[]): Promise<string[]> {
  return withPoolTransaction(environment.database.pool, async (client) => {
    const ids: string[] = [];
    for (const event of events) ids.push(await addToOutbox(client, event));
    return ids;
  });
}

async function unpublished(): Promise<number> {
  const { rows } = await environment.database.pool.query<{ count: number }>('select count(*)::int as count from outbox where published_at is null');
  return rows[0]?.count ?? 0;
}

/** Pub/sub is asynchronous: waits until the subscriber has seen `count` messages. */
async function messages(count: number, timeoutMs = 5_000): Promise<OutboxMessage[]> {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return received;
}

describe('the outbox relay', () => {
  it('turns committed rows into delayed jobs with deterministic ids and pub/sub messages, then marks them', async () => {
    const orderId = watchedAggregateId;
    const runAt = new Date(Date.now() + 60_000);
    const [eventId] = await write(orderEvent(orderId, [{ name: 'group_buy.expire', key: orderId, payload: { teamId: orderId }, runAt }]));

    expect(await relay().relayOnce()).toEqual({ published: 1, failed: 0 });

    const job = await queues.queue('orders').getJob(jobId('group_buy.expire', orderId));
    expect(job?.data).toEqual({ teamId: orderId });
    expect(await job?.getState()).toBe('delayed');
    expect(job?.opts.delay).toBeGreaterThan(55_000);
    expect(job?.opts.delay).toBeLessThanOrEqual(60_000);
    const [message] = await messages(1);
    expect(message).toMatchObject({ id: eventId, type: 'order.placed', aggregateType: 'order', aggregateId: orderId, payload: { orderId } });
    expect(receivedOnAggregate).toContain(eventId);
    expect(await unpublished()).toBe(0);
    expect(await relay().relayOnce()).toEqual({ published: 0, failed: 0 });
  });

  it('never publishes a row whose transaction rolled back', async () => {
    await expect(
      withPoolTransaction(environment.database.pool, async (client) => {
        await addToOutbox(client, orderEvent());
        throw new Error('the order failed');
      }),
    ).rejects.toThrow('the order failed');
    expect(await relay().drain()).toBe(0);
    expect(received).toEqual([]);
  });

  it('re-enqueues harmlessly after dying between enqueue and mark: one job, the row published on the next pass', async () => {
    const orderId = newId();
    const [eventId] = await write(orderEvent(orderId, [{ name: 'group_buy.expire', key: orderId, payload: { teamId: orderId }, runAt: new Date(Date.now() + 60_000) }]));

    const crashing = relay({
      afterEnqueue: () => {
        throw new Error('killed after enqueue, before mark');
      },
    });
    await expect(crashing.relayOnce()).rejects.toThrow('killed after enqueue');
    expect(await unpublished()).toBe(1);
    const jobIdOfOrder = jobId('group_buy.expire', orderId);
    expect(await queues.queue('orders').getJob(jobIdOfOrder)).toBeTruthy();

    expect(await relay().relayOnce()).toEqual({ published: 1, failed: 0 });
    expect(await unpublished()).toBe(0);
    const delayed = await queues.queue('orders').getDelayed();
    expect(delayed.filter((job) => job.id === jobIdOfOrder)).toHaveLength(1);
    // The message may arrive twice; it carries the event id so subscribers can tell.
    const seen = await messages(2);
    expect(seen.map((message) => message.id)).toEqual([eventId, eventId]);
  });

  it('lets several relays share the work without publishing a row twice (one publishing pass at a time)', async () => {
    const events = Array.from({ length: 300 }, () => orderEvent());
    await write(...events);
    const relays = [relay({ batchSize: 20 }), relay({ batchSize: 20 }), relay({ batchSize: 20 })];
    const totals = await Promise.all(relays.map((one) => one.drain()));
    expect(totals.reduce((sum, total) => sum + total, 0)).toBe(300);
    const seen = await messages(300);
    expect(new Set(seen.map((message) => message.id)).size).toBe(300);
    expect(seen).toHaveLength(300);
    expect(await unpublished()).toBe(0);
  });

  it('keeps a row it cannot relay for the next pass, with the error, without holding back the others', async () => {
    const bad = orderEvent(newId(), [{ name: 'no.such_job', key: 'x', payload: {} } as never]);
    const [badId] = await write(bad, orderEvent(), orderEvent());
    expect(await relay().relayOnce()).toEqual({ published: 2, failed: 1 });
    const { rows } = await environment.database.pool.query('select published_at, publish_attempts, last_error from outbox where id = $1', [badId]);
    expect(rows[0]).toMatchObject({ published_at: null, publish_attempts: 1, last_error: expect.stringMatching(/no\.such_job/) });
    expect(await relay().relayOnce()).toEqual({ published: 0, failed: 1 });
  });

  /**
   * An order of a shopper signed in through Telegram, as rows: the state a Telegram sign-in and a checkout
   * leave (workers/test/notifications.test.ts reaches it through them), which this test of the relay alone
   * needs only as the order its events name.
   */
  async function orderOfTelegramShopper(): Promise<string> {
    const [merchantId, shopId, shopperId, orderId] = [newId(), newId(), newId(), newId()];
    await environment.database.pool.query(
      `with merchant_row as (insert into merchant (id, name) values ($1, 'Relay tea') returning id),
            shop_row as (insert into shop (id, merchant_id, slug, name, currency) select $2::uuid, id, 'relay-' || $2::text, 'Relay tea', 'EUR' from merchant_row returning id, merchant_id),
            shopper_row as (insert into shopper (id, display_name) values ($3, 'Mei') returning id),
            identity_row as (insert into shopper_identity (id, shopper_id, provider, subject) select $5, id, 'telegram', $6 from shopper_row)
       insert into shop_order (id, merchant_id, shop_id, shopper_id, status, currency, item_count, total_minor, source, idempotency_request, payment_due_at)
       select $4, shop_row.merchant_id, shop_row.id, shopper_row.id, 'paid', 'EUR', 1, 1250, 'cart', '{}', now() from shop_row, shopper_row`,
      [merchantId, shopId, shopperId, orderId, newId(), String(Math.floor(Math.random() * 1e9))],
    );
    return orderId;
  }

  it("gives a pass's notification events one job, keyed by them, in parts of at most 200; a pass relayed again adds none", async () => {
    const notifications = queues.queue('notifications');
    await notifications.obliterate({ force: true });
    const reachable = await orderOfTelegramShopper();
    const paid = (orderId = reachable): OutboxEvent => ({ type: 'order.paid', aggregateType: 'order', aggregateId: orderId, merchantId: null, payload: { orderId } });
    const ids = await write(paid(), orderEvent(), paid(), paid());
    const paidIds = [ids[0], ids[2], ids[3]];

    await expect(relay({ afterEnqueue: () => Promise.reject(new Error('killed after enqueue')) }).relayOnce()).rejects.toThrow('killed after enqueue');
    expect(await relay().relayOnce()).toEqual({ published: 4, failed: 0 });
    const jobs = await notifications.getJobs(['waiting', 'paused', 'active', 'delayed']);
    expect(jobs.map((job) => job.data)).toEqual([{ eventIds: paidIds }]);
    expect(jobs[0]!.id).toMatch(/^notification\.send@events-3-/);

    // One event alone keeps its own id as the key; 250 in one pass make two jobs, 200 and 50.
    const [alone] = await write(paid());
    await relay().relayOnce();
    expect(await notifications.getJob(jobId('notification.send', alone!))).toBeTruthy();
    await notifications.obliterate({ force: true });
    const many = await write(...Array.from({ length: 250 }, () => paid()));
    expect(await relay({ batchSize: 300 }).relayOnce()).toEqual({ published: 250, failed: 0 });
    const parts = await notifications.getJobs(['waiting', 'paused', 'active', 'delayed']);
    expect(parts.map((job) => job.data.eventIds.length).sort((left, right) => left - right)).toEqual([50, 200]);
    expect(new Set(parts.flatMap((job) => job.data.eventIds))).toEqual(new Set(many));
  });

  it('starts no notification job for an event whose shopper no chat reaches: a guest, a malformed order id, or no bot token', async () => {
    const notifications = queues.queue('notifications');
    await notifications.obliterate({ force: true });
    const paid = (orderId: string): OutboxEvent => ({ type: 'order.paid', aggregateType: 'order', aggregateId: newId(), merchantId: null, payload: { orderId } });
    const guestOrder = await orderOfTelegramShopper();
    await environment.database.pool.query(`update shopper_identity set provider = 'guest' where shopper_id = (select shopper_id from shop_order where id = $1)`, [guestOrder]);
    const reachable = await orderOfTelegramShopper();
    await write(paid(guestOrder), paid('not-a-uuid'), paid(newId()));
    expect(await relay().relayOnce()).toEqual({ published: 3, failed: 0 });
    expect(await notifications.getJobs(['waiting', 'paused', 'active', 'delayed'])).toEqual([]);

    // A Telegram shopper is reached only through a bot: without a token the relay starts nothing for them either.
    await write(paid(reachable));
    const withoutBot = relay({ config: { ...environment.config, shoppers: { ...environment.config.shoppers, telegramBotToken: null } } });
    expect(await withoutBot.relayOnce()).toEqual({ published: 1, failed: 0 });
    expect(await notifications.getJobs(['waiting', 'paused', 'active', 'delayed'])).toEqual([]);
    const [told] = await write(paid(reachable));
    await relay().relayOnce();
    expect((await notifications.getJobs(['waiting', 'paused', 'active', 'delayed'])).map((job) => job.data)).toEqual([{ eventIds: [told] }]);
  });

  it('runs as a loop that publishes new rows within moments, and stops cleanly', async () => {
    const running = relay({ pollIntervalMs: 20 });
    running.start();
    try {
      await write(orderEvent(), orderEvent());
      expect(await messages(2)).toHaveLength(2);
      // Messages go out before the claiming transaction commits the mark.
      const deadline = Date.now() + 5_000;
      while ((await unpublished()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await unpublished()).toBe(0);
    } finally {
      await running.stop();
    }
  });

  it('hands each published row the next position, in the order it is published, so positions only grow on Redis', async () => {
    const [first, second, third] = await write(orderEvent(), orderEvent(), orderEvent());
    await relay().drain();
    const [fourth] = await write(orderEvent());
    await relay().drain();
    const seen = await messages(4);
    expect(seen.map((message) => message.id)).toEqual([first, second, third, fourth]);
    const positions = seen.map((message) => message.publishedSequence);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(4);
    const { rows } = await environment.database.pool.query<{ id: string; position: number }>('select id, published_sequence as position from outbox order by published_sequence');
    expect(rows.map((row) => row.id)).toEqual([first, second, third, fourth]);
    expect(rows.map((row) => Number(row.position))).toEqual(positions);
  });

  it('gives a row whose pass crashed after publishing a larger position on the next pass, never a reused one', async () => {
    const [eventId] = await write(orderEvent());
    await expect(relay({ afterEnqueue: () => Promise.reject(new Error('killed after publish')) }).relayOnce()).rejects.toThrow('killed after publish');
    await relay().drain();
    const seen = await messages(2);
    expect(seen.map((message) => message.id)).toEqual([eventId, eventId]);
    expect(seen[1]!.publishedSequence).toBeGreaterThan(seen[0]!.publishedSequence);
  });

  it('is woken through Redis after a commit that wrote outbox rows, instead of waiting for its poll', async () => {
    const wakeSubscriber = await connectRedis(createRedis(environment.config), environment.config.redis.url);
    const stopWaking = onOutboxCommitted(() => void publisher.publish(outboxCommittedChannel(environment.config), ''));
    const running = relay({ pollIntervalMs: 60_000, wakeSubscriber });
    running.start();
    try {
      // The first pass runs once the subscription is in place; after it, only a wake-up can start another.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await write(orderEvent());
      expect(await messages(1, 5_000)).toHaveLength(1);
    } finally {
      stopWaking();
      await running.stop();
      wakeSubscriber.disconnect();
    }
  });

  it('hears of committed outbox writes only, never of a transaction that rolled back', async () => {
    let heard = 0;
    const stop = onOutboxCommitted(() => {
      heard += 1;
    });
    try {
      await expect(
        withPoolTransaction(environment.database.pool, async (client) => {
          await addToOutbox(client, orderEvent());
          throw new Error('the order failed');
        }),
      ).rejects.toThrow('the order failed');
      // Listeners hear at the end of the event loop's turn (commits of one turn share one call).
      const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));
      await endOfTurn();
      expect(heard).toBe(0);
      await write(orderEvent(), orderEvent());
      expect(heard).toBe(0);
      await endOfTurn();
      expect(heard).toBe(1);
      await withPoolTransaction(environment.database.pool, (client) => client.query('select 1'));
      await endOfTurn();
      expect(heard).toBe(1);
    } finally {
      stop();
    }
  });

  it('purges published rows past their retention and keeps the rest', async () => {
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
    await write(orderEvent(), orderEvent());
    await relay().drain();
    // The retention's cutoff (now minus the retention, in production) falls after these two were published.
    await pause();
    const cutoff = new Date();
    await pause();
    await write(orderEvent());
    await relay().drain();
    await write(orderEvent());
    expect(await OutboxRelay.purgePublished(environment.database.pool, cutoff)).toBe(2);
    expect(await unpublished()).toBe(1);
    const { rows } = await environment.database.pool.query<{ count: number }>('select count(*)::int as count from outbox where published_at is not null');
    expect(rows[0]!.count).toBe(1);
  });
});
