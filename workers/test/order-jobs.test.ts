import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { checkout, fundWallet, pay, stockOf } from '../../api/test/helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../../api/test/helpers/shoppers.ts';
import { createMerchantWithStaff } from '../../api/test/helpers/staff.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';

/**
 * The unpaid-order timeout end to end: checkout writes the outbox row, the relay enqueues the delayed
 * `order.timeout` job, the worker runs it through the orders service. The payment window is 2 seconds.
 */
let testApp: TestApp;
let workers: JobWorkers;
let relay: OutboxRelay;
let shop: StoreFixture;
let shopper: ShopperSession;

beforeAll(async () => {
  testApp = await buildTestApp({ ORDER_PAYMENT_TIMEOUT_SECONDS: '2' });
  const logger = pino({ level: 'silent' });
  workers = await startJobWorkers({ config: testApp.config, services: testApp.app.services, processors, logger, scheduleRepeatableJobs: false });
  relay = new OutboxRelay({ config: testApp.config, pool: testApp.database.pool, queues: workers.queues, publisher: testApp.app.redis, pollIntervalMs: 20 });
  relay.start();
  const owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 700, stockOnHand: 20 }] });
  shopper = await createGuestShopper(testApp.app);
});
afterAll(async () => {
  await relay?.stop();
  await workers?.close();
  await testApp?.close();
});

const variant = () => shop.variantIds[0] as string;

async function orderStatus(id: string): Promise<{ status: string; cancellation_reason: string | null }> {
  const { rows } = await testApp.database.pool.query('select status, cancellation_reason from shop_order where id = $1', [id]);
  return rows[0];
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the unpaid-order timeout', () => {
  it('cancels an order left unpaid past its window and releases its stock, as the system', async () => {
    const before = await stockOf(testApp.app, variant());
    const order = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: variant(), quantity: 4 })).json();
    expect(await stockOf(testApp.app, variant())).toEqual({ onHand: before.onHand, reserved: before.reserved + 4 });

    await until(async () => (await orderStatus(order.id)).status === 'cancelled');
    expect(await orderStatus(order.id)).toEqual({ status: 'cancelled', cancellation_reason: 'payment_timeout' });
    expect(await stockOf(testApp.app, variant())).toEqual(before);
    const { rows } = await testApp.database.pool.query(`select actor_type, actor_id from order_event where order_id = $1 and to_status = 'cancelled'`, [order.id]);
    expect(rows).toEqual([{ actor_type: 'system', actor_id: null }]);
    const job = await workers.queues.queue('orders').getJob(`order.timeout@${order.id}`);
    expect(await job?.getState()).toBe('completed');
    expect(job?.returnvalue).toEqual({ cancelled: true });
  });

  it('leaves an order paid in time alone when its timeout job runs', async () => {
    await fundWallet(testApp.app, shopper.shopperId, 700);
    const order = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: variant() })).json();
    expect((await pay(testApp.app, shopper, order.id)).statusCode).toBe(200);
    const queue = workers.queues.queue('orders');
    await until(async () => (await (await queue.getJob(`order.timeout@${order.id}`))?.getState()) === 'completed');
    expect((await queue.getJob(`order.timeout@${order.id}`))?.returnvalue).toEqual({ cancelled: false });
    expect((await orderStatus(order.id)).status).toBe('paid');
  });

  it('has a sweeper that gives overdue unpaid orders whose job never came their timeout job, and nothing else', async () => {
    await relay.stop();
    try {
      const overdue = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: variant(), quantity: 2 })).json();
      // The relay is stopped: no job exists for this order. Its window closes.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(await testApp.app.services.dueWork.find(new Date(Date.now() - 60_000))).toEqual([]);
      expect(await testApp.app.services.dueWork.find()).toEqual([{ name: 'order.timeout', key: overdue.id, payload: { orderId: overdue.id } }]);

      const sweep = await workers.queues.enqueue('jobs.sweep_due', {}, { key: 'overdue' });
      await until(async () => (await sweep.getState()) === 'completed');
      expect((await workers.queues.queue('maintenance').getJob(sweep.id as string))?.returnvalue).toEqual({ due: { 'order.timeout': 1 }, enqueued: { 'order.timeout': 1 }, failed: {} });
      await until(async () => (await orderStatus(overdue.id)).status === 'cancelled');
      expect(await orderStatus(overdue.id)).toEqual({ status: 'cancelled', cancellation_reason: 'payment_timeout' });
      expect(await testApp.app.services.dueWork.find()).toEqual([]);
      expect(await testApp.app.services.orders.expire(overdue.id)).toEqual({ cancelled: false });
    } finally {
      await relay.drain();
      relay.start();
    }
  });
});
