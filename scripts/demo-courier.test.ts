import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../api/test/helpers/app.ts';
import { seedDemo } from '../db/src/seeds/demo.ts';
import { seedDemoOrders, type DemoOrdersSummary } from '../db/src/seeds/demo-orders.ts';

const run = promisify(execFile);
let testApp: TestApp;
let baseUrl: string;
let demo: DemoOrdersSummary;

/** As `npm start` seeds an empty database: the catalog, then the demo shopper's orders through the services. */
beforeAll(async () => {
  testApp = await buildTestApp();
  await seedDemo(testApp.database, testApp.config);
  demo = await seedDemoOrders(testApp.database, testApp.app.services);
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => testApp?.close());

function demoCourier() {
  return run(process.execPath, ['--import', 'tsx', 'scripts/demo-courier.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PUBLIC_URL: baseUrl,
      DATABASE_URL: testApp.config.database.url,
      REDIS_URL: testApp.config.redis.url,
      REDIS_KEY_PREFIX: testApp.config.redis.keyPrefix,
      DEMO_COURIER_STEP_MS: '0',
    },
  });
}

async function shipmentOf(orderId: string) {
  const { rows } = await testApp.database.pool.query(
    `select s.status, o.status as order_status, (select count(*)::int from tracking_event e where e.shipment_id = s.id and e.source = 'courier') as courier_events
       from shipment s join shop_order o on o.id = s.order_id where s.order_id = $1`,
    [orderId],
  );
  return rows;
}

describe('npm run demo:courier', () => {
  it("rides the seeded delivery's courier on from the last position to the shopper's door, saying what it does", async () => {
    const onTheWay = demo.orders.find((order) => order.state === 'out_for_delivery') as { id: string };
    const { stdout } = await demoCourier();
    expect(stdout).toMatch(/signed in as owner@demo\.minishop\.dev/);
    expect(stdout).toMatch(/courier "Kai Courier" carries order .*, out for delivery; a fresh token/);
    expect(stdout).toMatch(/riding shipment .* order is shipped/);
    expect(stdout).toMatch(/position 10\/10 .* ETA 0 s/);
    expect(stdout).toMatch(/delivered: order #\d+ is delivered/);
    // The seed's four courier events, then ten positions and the hand-over.
    expect(await shipmentOf(onTheWay.id)).toEqual([{ status: 'delivered', order_status: 'delivered', courier_events: 15 }]);
  });

  it('then takes the newest paid order with a new courier and shipment, and delivers it', async () => {
    const { rows: before } = await testApp.database.pool.query('select count(*)::int as count from shipment');
    const { stdout } = await demoCourier();
    expect(stdout).toMatch(/created courier "Demo Courier/);
    expect(stdout).toMatch(/courier is out for delivery/);
    expect(stdout).toMatch(/delivered: order #\d+ is delivered/);
    const packed = demo.orders.find((order) => order.state === 'packed') as { id: string };
    // Picked up, out for delivery, ten positions, delivered.
    expect(await shipmentOf(packed.id)).toEqual([{ status: 'delivered', order_status: 'delivered', courier_events: 13 }]);
    const { rows: after } = await testApp.database.pool.query('select count(*)::int as count from shipment');
    expect(after[0].count).toBe(before[0].count + 1);
  });
});
