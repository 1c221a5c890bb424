import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildStripeTestApp, type StripeTestApp } from '../../api/test/helpers/card-payments.ts';
import { at, createCourier, createShipment, postPosition, postStatus } from '../../api/test/helpers/delivery.ts';
import { deliveredOrder, paidOrder } from '../../api/test/helpers/settled-orders.ts';
import { createStoreFixture, type StoreFixture } from '../../api/test/helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../api/test/helpers/staff.ts';
import { connectDatabase, type Database } from '../../db/src/database.ts';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { JobQueues } from '../../db/src/queues/job-queues.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import { createServices } from '../../db/src/services.ts';
import { assertLedgerInvariants } from '../../db/src/testing/ledger-invariants.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';
import { FAST_STALL_OPTIONS } from './fixtures/test-jobs.ts';
import { sealBeforeRead } from '../../db/src/modules/ledger/ledger-sealer.ts';

/**
 * The settlement journey with the real jobs (docs/orders.md §10): the outbox relay enqueues
 * `order.auto_confirm` at delivery and `order.settle` at completion, BullMQ workers run them, the
 * due-work sweeper recovers what Redis lost, and a worker killed in the middle of a settlement leaves it
 * to the next one, which settles exactly once.
 */
let context: StripeTestApp;
let relayQueues: JobQueues;
let relay: OutboxRelay;
let workers: JobWorkers | undefined;
let owner: StaffSession;
let shop: StoreFixture;
const app = () => context.testApp.app;
const silent = pino({ level: 'silent' });

async function startWorkers(): Promise<JobWorkers> {
  workers = await startJobWorkers({ config: context.testApp.config, services: app().services, processors, logger: silent, scheduleRepeatableJobs: false, workerOptions: FAST_STALL_OPTIONS });
  return workers;
}

async function stopWorkers(): Promise<void> {
  await workers?.close();
  workers = undefined;
}

beforeAll(async () => {
  context = await buildStripeTestApp();
  // The relay has queues of its own, so that it keeps enqueueing while the tests stop and start workers.
  relayQueues = new JobQueues(context.testApp.config);
  relay = new OutboxRelay({ config: context.testApp.config, pool: context.testApp.database.pool, queues: relayQueues, publisher: app().redis, pollIntervalMs: 20 });
  relay.start();
  await startWorkers();
  owner = await createMerchantWithStaff(app(), 'owner');
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 2_450, stockOnHand: 100 }] });
});
afterEach(() => assertLedgerInvariants(context.testApp.database));
afterAll(async () => {
  await relay?.stop();
  await stopWorkers();
  await relayQueues?.close();
  await context?.close();
});

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function orderRow(id: string) {
  const { rows } = await app().database.pool.query<{ status: string; settled_at: Date | null; completed_at: Date | null }>('select status, settled_at, completed_at from shop_order where id = $1', [id]);
  return rows[0] as { status: string; settled_at: Date | null; completed_at: Date | null };
}

const settled = (id: string) => async () => (await orderRow(id)).settled_at !== null;

async function setAutoConfirmDays(days: number): Promise<void> {
  const response = await app().inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { autoConfirmDays: days } });
  expect(response.statusCode, response.body).toBe(200);
}

async function money() {
  const { rows } = await app().database.pool.query<{ kind: string; balance: string }>(
    `select kind, sum(credits_posted - debits_posted) as balance from ledger_account
      where currency = 'EUR' and (kind in ('escrow', 'platform_fees') or (kind = 'merchant_available' and owner_id = $1)) group by kind`,
    [owner.merchantId],
  );
  const balance = (kind: string) => Number(rows.find((row) => row.kind === kind)?.balance ?? 0);
  return { escrow: balance('escrow'), platformFees: balance('platform_fees'), merchant: balance('merchant_available') };
}

async function settlementLegs(orderId: string): Promise<{ reason: string; amount_minor: number }[]> {
  await sealBeforeRead(app().database.pool);
  const { rows } = await app().database.pool.query(
    `select reason, amount_minor from ledger_transfer where reference_id = $1 and reason like 'settlement%' order by sequence`,
    [orderId],
  );
  return rows;
}

/** Removes every Redis key of this test file (its own prefix): the queues, their jobs, everything. */
async function flushRedis(): Promise<number> {
  // A connection without the app's key prefix: the names KEYS returns are whole, and DEL takes them so.
  const redis = await connectRedis(createRedis(context.testApp.config, { keyPrefix: false }), context.testApp.config.redis.url);
  try {
    const keys = await redis.keys(`${context.testApp.config.redis.keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    expect(await redis.keys(`${context.testApp.config.redis.keyPrefix}*`)).toEqual([]);
    return keys.length;
  } finally {
    redis.disconnect();
  }
}

async function outboxPublished(orderId: string): Promise<boolean> {
  const { rows } = await app().database.pool.query<{ count: number }>('select count(*)::int as count from outbox where aggregate_id = $1 and published_at is null', [orderId]);
  return rows[0]?.count === 0;
}

describe('the settlement journey', () => {
  it('takes an order from paid through shipped, courier positions and delivered to auto-confirmed and settled, escrow emptied into the merchant and the fee account to the cent', async () => {
    await setAutoConfirmDays(0);
    const before = await money();
    const { order, shopper } = await paidOrder(context, { shop, quantity: 3 });
    expect(order.totalMinor).toBe(7_350);
    expect((await money()).escrow).toBe(before.escrow + 7_350);
    expect((await app().inject({ method: 'POST', url: `/api/admin/orders/${order.id}/pack`, headers: owner.headers, payload: {} })).statusCode).toBe(200);
    // The shop's courier carries it: picked up (shipped), two positions, handed over (delivered).
    const courier = await createCourier(app(), owner);
    const created = await createShipment(app(), owner, order.id, { courierId: courier.id, destination: { latitude: 48.8606, longitude: 2.3376 }, status: 'label_created' });
    expect(created.statusCode, created.body).toBe(201);
    const shipmentId = created.json().id;
    const start = new Date(Date.now() - 60_000);
    expect((await postStatus(app(), courier, shipmentId, { status: 'picked_up', recordedAt: at(start, 0) })).statusCode).toBe(201);
    for (const [seconds, longitude] of [[10, 2.30], [20, 2.32]] as const) {
      const position = await postPosition(app(), courier, shipmentId, { latitude: 48.86, longitude, recordedAt: at(start, seconds) });
      expect(position.statusCode, position.body).toBe(200);
      expect(position.json()).toMatchObject({ applied: true });
    }
    expect((await postStatus(app(), courier, shipmentId, { status: 'delivered', recordedAt: at(start, 30) })).statusCode).toBe(201);

    await until(settled(order.id));
    const detail = (await app().inject({ method: 'GET', url: `/api/admin/orders/${order.id}`, headers: owner.headers })).json();
    expect(detail.events.map((event: { toStatus: string; actorType: string }) => `${event.toStatus} by ${event.actorType}`)).toEqual([
      'pending_payment by shopper',
      'paid by shopper',
      'packed by staff',
      'shipped by system',
      'delivered by system',
      'completed by system',
    ]);
    // 2.5 % of 73.50 is 1.8375: 1.84 to the platform, 71.66 to the merchant; nothing of it left in escrow.
    expect(detail).toMatchObject({ status: 'completed', settledGrossMinor: 7_350, platformFeeMinor: 184 });
    expect(await money()).toEqual({ escrow: before.escrow, platformFees: before.platformFees + 184, merchant: before.merchant + 7_166 });
    expect(await settlementLegs(order.id)).toEqual([
      { reason: 'settlement_net', amount_minor: 7_166 },
      { reason: 'settlement_fee', amount_minor: 184 },
    ]);
    const queue = relayQueues.queue('orders');
    expect((await queue.getJob(`order.auto_confirm@${order.id}`))?.returnvalue).toEqual({ status: 'completed' });
    expect((await queue.getJob(`order.settle@${order.id}`))?.returnvalue).toEqual({ status: 'settled', grossMinor: 7_350, platformFeeMinor: 184, netMinor: 7_166 });
    expect((await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}`, headers: shopper.headers })).json()).toMatchObject({ status: 'completed', settledAt: expect.any(String) });
  });

  it("settles through the job when the shopper confirms receipt before the shop's auto-confirm time", async () => {
    await setAutoConfirmDays(7);
    const before = await money();
    const { order, shopper } = await deliveredOrder(context, { merchant: owner, shop });
    await until(() => outboxPublished(order.id));
    expect(await (await relayQueues.queue('orders').getJob(`order.auto_confirm@${order.id}`))?.getState()).toBe('delayed');
    const confirmed = await app().inject({ method: 'POST', url: `/api/store/orders/${order.id}/confirm-receipt`, headers: shopper.headers });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    await until(settled(order.id));
    expect(await money()).toEqual({ escrow: before.escrow, platformFees: before.platformFees + 61, merchant: before.merchant + 2_389 });
    // The auto-confirmation, when it comes, finds nothing left to do.
    expect(await app().services.settlement.autoConfirm(order.id, new Date(Date.now() + 8 * 86_400_000))).toEqual({ status: 'unchanged', reason: 'completed already' });
  });

  it('loses nothing when Redis is flushed mid-journey: the sweeper finds the due work in the database and completes it', async () => {
    await setAutoConfirmDays(0);
    await stopWorkers();
    const before = await money();
    // Delivered and due at once, its job enqueued by the relay, but no worker takes it: then Redis loses it.
    const { order: delivered } = await deliveredOrder(context, { merchant: owner, shop });
    await until(() => outboxPublished(delivered.id));
    expect(await relayQueues.queue('orders').getJob(`order.auto_confirm@${delivered.id}`)).toBeTruthy();
    // And one completed while the relay is down (as after a crash between the commit and the enqueue).
    const { order: confirmed, shopper } = await deliveredOrder(context, { merchant: owner, shop });
    await until(() => outboxPublished(confirmed.id));
    await relay.stop();
    expect((await app().inject({ method: 'POST', url: `/api/store/orders/${confirmed.id}/confirm-receipt`, headers: shopper.headers })).statusCode).toBe(200);
    expect(await flushRedis()).toBeGreaterThan(0);

    const running = await startWorkers();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await orderRow(delivered.id)).toMatchObject({ status: 'delivered', settled_at: null });
    expect(await orderRow(confirmed.id)).toMatchObject({ status: 'completed', settled_at: null });

    // Passes of the periodic sweeper (the job the workers schedule every 30 seconds), with the relay still down.
    const sweepOnce = async (key: string) => {
      const sweep = await running.queues.enqueue('jobs.sweep_due', {}, { key });
      await until(async () => (await sweep.getState()) === 'completed');
      return (await running.queues.queue('maintenance').getJob(sweep.id as string))?.returnvalue;
    };
    expect(await sweepOnce('first')).toMatchObject({ enqueued: { 'order.auto_confirm': 1, 'order.settle': 1 } });
    await until(settled(confirmed.id));
    await until(async () => (await orderRow(delivered.id)).status === 'completed');
    // Its completion's own settlement job waits in the stopped relay's outbox; the next pass finds it due.
    expect(await sweepOnce('second')).toMatchObject({ enqueued: { 'order.settle': 1 } });
    await until(settled(delivered.id));
    // The relay, back, enqueues the same jobs under the same ids again: nothing more moves.
    relay.start();
    await until(() => outboxPublished(delivered.id));
    await until(() => outboxPublished(confirmed.id));
    expect(await money()).toEqual({ escrow: before.escrow, platformFees: before.platformFees + 2 * 61, merchant: before.merchant + 2 * 2_389 });
    expect(await settlementLegs(delivered.id)).toHaveLength(2);
    expect(await settlementLegs(confirmed.id)).toHaveLength(2);

    // Nothing is due any more: another pass enqueues nothing.
    expect(await sweepOnce('third')).toMatchObject({ due: {}, enqueued: {} });
  });

  it('settles once when two worker processes run the same settlement at the same moment', async () => {
    // A second set of services on connections of its own, as another workers process would have.
    const config = context.testApp.config;
    const otherDatabase: Database = await connectDatabase(config);
    const otherRedis = await connectRedis(createRedis(config), config.redis.url);
    const otherServices = createServices({ config, database: otherDatabase, redis: otherRedis });
    try {
      await stopWorkers();
      await setAutoConfirmDays(7);
      const { order, shopper } = await deliveredOrder(context, { merchant: owner, shop, quantity: 2 });
      await relay.stop();
      expect((await app().inject({ method: 'POST', url: `/api/store/orders/${order.id}/confirm-receipt`, headers: shopper.headers })).statusCode).toBe(200);
      const before = await money();
      const job = {} as never;
      const outcomes = await Promise.all([
        processors['order.settle']({ orderId: order.id }, { services: app().services, job, queues: relayQueues }),
        processors['order.settle']({ orderId: order.id }, { services: otherServices, job, queues: relayQueues }),
      ]);
      expect(outcomes.map((outcome) => (outcome as { status: string }).status).sort()).toEqual(['already_settled', 'settled']);
      expect(await money()).toEqual({ escrow: before.escrow - 4_900, platformFees: before.platformFees + 123, merchant: before.merchant + 4_777 });
      expect(await settlementLegs(order.id)).toHaveLength(2);
    } finally {
      relay.start();
      await startWorkers();
      otherRedis.disconnect();
      await otherDatabase.close();
    }
  });
});

describe('a workers process killed with SIGKILL in the middle of a settlement', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  async function spawnWorkers(): Promise<ChildProcess> {
    const fixture = fileURLToPath(new URL('./fixtures/real-workers.ts', import.meta.url));
    const { config } = context.testApp;
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, DATABASE_URL: config.database.url, REDIS_URL: config.redis.url, REDIS_KEY_PREFIX: config.redis.keyPrefix, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let output = '';
    child.stdout?.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the workers process exited early with ${code}`)));
    });
    return child;
  }

  async function waitingOnLocks(): Promise<number> {
    const { rows } = await app().database.pool.query<{ count: number }>(
      `select count(*)::int as count from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    return rows[0]?.count ?? 0;
  }

  // Two processes start (each compiles the workers): seconds on a busy machine.
  it('leaves nothing half done, and the restarted workers settle it exactly once', { timeout: 120_000 }, async () => {
    await setAutoConfirmDays(7);
    const { order, shopper } = await deliveredOrder(context, { merchant: owner, shop });
    await stopWorkers();
    const before = await money();

    // The test holds the lock of the escrow account the order's money sits in (ledger writers lock the
    // accounts they touch), so the settlement stops at its last step, the ledger write, with the order
    // row locked and settled_at written in its open transaction.
    const blocker: pg.PoolClient = await app().database.pool.connect();
    let child: ChildProcess;
    try {
      await blocker.query('begin');
      await blocker.query(`select id from ledger_account where kind = 'escrow' and currency = 'EUR' order by id for update`);
      child = await spawnWorkers();
      expect((await app().inject({ method: 'POST', url: `/api/store/orders/${order.id}/confirm-receipt`, headers: shopper.headers })).statusCode).toBe(200);
      await until(async () => (await waitingOnLocks()) > 0);
      expect(await (await relayQueues.queue('orders').getJob(`order.settle@${order.id}`))?.getState()).toBe('active');
      child.kill('SIGKILL');
      await once(child, 'exit');
    } finally {
      await blocker.query('rollback');
      blocker.release();
    }

    // The dead process's transaction never commits: nothing moved, the order is not settled.
    await until(async () => (await waitingOnLocks()) === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await orderRow(order.id)).toMatchObject({ status: 'completed', settled_at: null });
    expect(await money()).toEqual(before);
    expect(await settlementLegs(order.id)).toEqual([]);

    // A new workers process finds the job stalled (its lock expired with the dead process) and runs it again.
    await spawnWorkers();
    await until(settled(order.id), 60_000);
    expect(await money()).toEqual({ escrow: before.escrow - 2_450, platformFees: before.platformFees + 61, merchant: before.merchant + 2_389 });
    expect(await settlementLegs(order.id)).toEqual([
      { reason: 'settlement_net', amount_minor: 2_389 },
      { reason: 'settlement_fee', amount_minor: 61 },
    ]);
    const job = await relayQueues.queue('orders').getJob(`order.settle@${order.id}`);
    await until(async () => (await job?.getState()) === 'completed');
    expect((await relayQueues.queue('orders').getJob(`order.settle@${order.id}`))?.stalledCounter).toBe(1);
  });
});
