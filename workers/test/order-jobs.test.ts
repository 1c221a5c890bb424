import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { checkout, fundWallet, pay, stockOf, walletBalanceMinor } from '../../api/test/helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../../api/test/helpers/shoppers.ts';
import { createMerchantWithStaff } from '../../api/test/helpers/staff.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';

/**
 * The unpaid-order timeout end to end: the database is its only schedule. Checkout enqueues nothing per
 * order (the relay turns `order.placed` into no delayed job); the repeatable `order.expire_overdue` job
 * (every 5 s in production; enqueued by hand here, the workers run without their schedulers) reads the
 * unpaid orders past their window and cancels them through the orders service. The window is 3 seconds.
 */
let testApp: TestApp;
let workers: JobWorkers;
let relay: OutboxRelay;
let shop: StoreFixture;
let shopper: ShopperSession;

beforeAll(async () => {
  testApp = await buildTestApp({ ORDER_PAYMENT_TIMEOUT_SECONDS: '3' });
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
  it('takes at most its limit of overdue orders a run, oldest first, and the next run the rest', async () => {
    const first = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: variant() })).json();
    const second = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: variant() })).json();
    // Read as of a moment after both windows closed (the service takes the clock as an argument).
    const later = new Date(Date.now() + 5_000);
    expect(await testApp.app.services.orders.expireOverdue(later, 1)).toEqual({ expired: 1 });
    expect([(await orderStatus(first.id)).status, (await orderStatus(second.id)).status]).toEqual(['cancelled', 'pending_payment']);
    expect(await testApp.app.services.orders.expireOverdue(later, 1)).toEqual({ expired: 1 });
    expect((await orderStatus(second.id)).status).toBe('cancelled');
  });

  it('cancels the orders left unpaid past their window and releases their stock, as the system; paid and not-yet-due orders stay', async () => {
    const before = await stockOf(testApp.app, variant());
    const overdue = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: variant(), quantity: 4 })).json();
    await fundWallet(testApp.app, shopper.shopperId, 700);
    const paid = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: variant() })).json();
    expect((await pay(testApp.app, shopper, paid.id)).statusCode).toBe(200);
    expect(await stockOf(testApp.app, variant())).toEqual({ onHand: before.onHand - 1, reserved: before.reserved + 4 });
    await relay.drain();
    expect(await workers.queues.queue('orders').getDelayed()).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 3_100));
    // Payment is refused from the instant the window closes, before any job has run, and changes nothing.
    await fundWallet(testApp.app, shopper.shopperId, 2_800);
    const tooLate = await pay(testApp.app, shopper, overdue.id);
    expect(tooLate.statusCode).toBe(422);
    expect(tooLate.json().code).toBe('payment_window_closed');
    expect(await walletBalanceMinor(testApp.app, shopper.shopperId)).toBe(2_800);
    expect(await orderStatus(overdue.id)).toEqual({ status: 'pending_payment', cancellation_reason: null });
    const fresh = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: variant(), quantity: 2 })).json();

    const run = await workers.queues.enqueue('order.expire_overdue', {}, { key: 'first-run' });
    await until(async () => (await run.getState()) === 'completed');
    expect((await workers.queues.queue('orders').getJob(run.id as string))?.returnvalue).toEqual({ expired: 1 });
    expect(await orderStatus(overdue.id)).toEqual({ status: 'cancelled', cancellation_reason: 'payment_timeout' });
    expect(await orderStatus(paid.id)).toEqual({ status: 'paid', cancellation_reason: null });
    expect(await orderStatus(fresh.id)).toEqual({ status: 'pending_payment', cancellation_reason: null });
    expect(await stockOf(testApp.app, variant())).toEqual({ onHand: before.onHand - 1, reserved: before.reserved + 2 });
    const { rows } = await testApp.database.pool.query(`select actor_type, actor_id from order_event where order_id = $1 and to_status = 'cancelled'`, [overdue.id]);
    expect(rows).toEqual([{ actor_type: 'system', actor_id: null }]);

    // Once more: nothing is due any longer, nothing changes.
    expect(await testApp.app.services.orders.expireOverdue()).toEqual({ expired: 0 });
    expect(await testApp.app.services.orders.expire(overdue.id)).toEqual({ cancelled: false });
    expect(await orderStatus(fresh.id)).toEqual({ status: 'pending_payment', cancellation_reason: null });
  });
});
