import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createRedis } from '../redis.ts';
import { createServices, type Services } from '../services.ts';
import { createTestEnvironment, type TestEnvironment } from '../testing/databases.ts';
import { assertLedgerInvariants } from '../testing/ledger-invariants.ts';
import { seedDemo } from './demo.ts';
import { DEMO_SHOPPER_DEVICE_ID, seedDemoOrders, type DemoOrdersSummary } from './demo-orders.ts';

describe("the demo shopper's orders", () => {
  let environment: TestEnvironment;
  let redis: Redis;
  let services: Services;
  let summary: DemoOrdersSummary;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    redis = await connectRedis(createRedis(environment.config), environment.config.redis.url);
    services = createServices({ config: environment.config, database: environment.database, redis });
    expect(await seedDemo(environment.database, environment.config)).toMatchObject({ seeded: true });
    summary = await seedDemoOrders(environment.database, services);
  });
  afterAll(async () => {
    await assertLedgerInvariants(environment.database);
    await services?.ledger.close();
    redis?.disconnect();
    await environment?.cleanup();
  });

  it('are one in each state of the journey, made through the services, the completed one settled', async () => {
    expect(summary.orders.map((order) => [order.state, order.settled])).toEqual([
      ['paid', false],
      ['packed', false],
      ['delivered', false],
      ['completed', true],
    ]);
    const { rows } = await environment.database.pool.query(
      `select status, auto_confirm_at is not null as "autoConfirmScheduled", settled_at is not null as settled, platform_fee_minor as "platformFeeMinor", total_minor as "totalMinor"
         from shop_order where shopper_id = $1 order by number`,
      [summary.shopperId],
    );
    expect(rows.map((row) => [row.status, row.autoConfirmScheduled, row.settled])).toEqual([
      ['paid', false, false],
      ['packed', false, false],
      ['delivered', true, false],
      ['completed', true, true],
    ]);
    const completed = rows[3];
    const { rows: legs } = await environment.database.pool.query(
      `select reason, amount_minor as "amountMinor" from ledger_transfer where reference_id = $1 and reason like 'settlement%' order by sequence`,
      [summary.orders[3]?.id],
    );
    expect(legs).toEqual([
      { reason: 'settlement_net', amountMinor: completed.totalMinor - completed.platformFeeMinor },
      { reason: 'settlement_fee', amountMinor: completed.platformFeeMinor },
    ]);
  });

  it('belong to the shopper who signs in as a guest on the documented demo device id', async () => {
    const session = await services.shoppers.createSession({ provider: 'guest', deviceId: DEMO_SHOPPER_DEVICE_ID });
    expect(session.shopper.id).toBe(summary.shopperId);
    const page = await services.orders.listForShopper({ type: 'shopper', shopperId: session.shopper.id, provider: 'guest' }, { page: 1, pageSize: 20 });
    expect(page.items).toHaveLength(4);
  });
});
