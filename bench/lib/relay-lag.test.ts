import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../db/src/ids.ts';
import { addToOutbox } from '../../db/src/outbox/outbox.ts';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { withPoolTransaction } from '../../db/src/pool-transaction.ts';
import { JobQueues } from '../../db/src/queues/job-queues.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import { createTestEnvironment, type TestEnvironment } from '../../db/src/testing/databases.ts';
import { databaseNow, relayLag } from './relay-lag.ts';

let environment: TestEnvironment;
let queues: JobQueues;
let publisher: Redis;

beforeAll(async () => {
  environment = await createTestEnvironment();
  queues = new JobQueues(environment.config);
  publisher = await connectRedis(createRedis(environment.config), environment.config.redis.url);
});
afterAll(async () => {
  publisher?.disconnect();
  await queues?.close();
  await environment?.cleanup();
});

async function writeEvents(count: number): Promise<void> {
  await withPoolTransaction(environment.database.pool, async (client) => {
    for (let index = 0; index < count; index += 1) {
      const orderId = newId();
      await addToOutbox(client, { type: 'order.placed', aggregateType: 'order', aggregateId: orderId, merchantId: null, payload: { orderId }, jobs: [] });
    }
  });
}

describe('relayLag', () => {
  it('measures how long a window\'s events waited for the relay, and counts those it never published', async () => {
    const pool = environment.database.pool;
    const from = await databaseNow(pool);
    await writeEvents(3);
    // The relay publishes a pass 200 ms after the rows were written: the lag is at least that.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const relay = new OutboxRelay({ config: environment.config, pool, queues, publisher });
    expect(await relay.relayOnce()).toEqual({ published: 3, failed: 0 });
    await writeEvents(1);
    const to = await databaseNow(pool);

    // The fourth row stays unpublished: the wait for it runs out and it is counted apart.
    const lag = await relayLag(pool, from, to, 100);
    expect(lag.events).toBe(4);
    expect(lag.unpublished).toBe(1);
    expect(lag.p50Ms).toBeGreaterThanOrEqual(200);
    expect(lag.p99Ms).toBeGreaterThanOrEqual(lag.p50Ms!);

    // Rows written after the window are not in it.
    await writeEvents(2);
    expect((await relayLag(pool, from, to, 0)).events).toBe(4);
  });
});
