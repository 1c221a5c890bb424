import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { TestSocket } from '../helpers/realtime.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';

let testApp: TestApp;
let port: number;

beforeAll(async () => {
  testApp = await buildTestApp();
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const address = testApp.app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(() => testApp?.close());

function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('live-update figures on /metrics', () => {
  it('counts the open sockets and their subscriptions, and what was dropped', async () => {
    const scrape = async () => (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = await scrape();
    expect(metric(before, 'minishop_realtime_sockets')).toBe(0);
    expect(metric(before, 'minishop_realtime_slow_consumers_dropped_total')).toBe(0);

    const owner = await createMerchantWithStaff(testApp.app, 'owner');
    const socket = await TestSocket.authenticated(port, owner.accessToken);
    await socket.subscribe('resource/orders');
    const open = await scrape();
    expect(metric(open, 'minishop_realtime_sockets')).toBe(1);
    expect(metric(open, 'minishop_realtime_subscriptions')).toBe(1);

    await socket.close();
    const deadline = Date.now() + 2_000;
    while (metric(await scrape(), 'minishop_realtime_sockets') !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = await scrape();
    expect(metric(closed, 'minishop_realtime_sockets')).toBe(0);
    expect(metric(closed, 'minishop_realtime_subscriptions')).toBe(0);
  });
});
