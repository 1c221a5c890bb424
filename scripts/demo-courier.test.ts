import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../api/test/helpers/app.ts';
import { seedDemo } from '../db/src/seeds/demo.ts';

const run = promisify(execFile);
let testApp: TestApp;
let baseUrl: string;

beforeAll(async () => {
  testApp = await buildTestApp();
  await seedDemo(testApp.database, testApp.config);
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => testApp?.close());

describe('npm run demo:courier', () => {
  it('rides a simulated courier through the courier API until the order is delivered, saying what it does', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/demo-courier.ts'], {
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
    expect(stdout).toMatch(/signed in as owner@demo\.minishop\.dev/);
    expect(stdout).toMatch(/courier picked it up: order is shipped/);
    expect(stdout).toMatch(/position 10\/10 .* ETA 0 s/);
    expect(stdout).toMatch(/delivered: order #\d+ is delivered/);
    const { rows } = await testApp.database.pool.query(
      `select s.status, o.status as order_status, (select count(*)::int from tracking_event e where e.shipment_id = s.id and e.source = 'courier') as courier_events
         from shipment s join shop_order o on o.id = s.order_id`,
    );
    expect(rows).toEqual([{ status: 'delivered', order_status: 'delivered', courier_events: 14 }]);
  });
});
