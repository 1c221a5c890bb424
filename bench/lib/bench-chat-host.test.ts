import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { placePaidOrder } from '../../api/test/helpers/orders.ts';
import { createStoreFixture } from '../../api/test/helpers/shoppers.ts';
import { createMerchantWithStaff } from '../../api/test/helpers/staff.ts';
import { startBenchChatHost } from './bench-chat-host.ts';

let testApp: TestApp;
let chat: Awaited<ReturnType<typeof startBenchChatHost>>;
beforeAll(async () => {
  testApp = await buildTestApp();
  chat = await startBenchChatHost(testApp);
});
afterAll(async () => {
  await chat?.close();
  await testApp?.close();
});

describe('the checkout benchmark’s chat host', () => {
  it('signs its users in as shoppers a chat reaches: their paid order is told at its endpoint, once', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: '/api/store/sessions', payload: await chat.sessionBody(`bench-test-${randomUUID()}`) });
    expect(response.statusCode).toBe(201);
    const session = response.json();
    const shopper = { shopperId: session.shopper.id, accessToken: session.accessToken, headers: { authorization: `Bearer ${session.accessToken}` } };
    const owner = await createMerchantWithStaff(testApp.app, 'owner');
    const shop = await createStoreFixture(testApp.app, owner.merchantId, { slug: `bench-chat-${randomUUID().slice(0, 8)}`, variants: [{ priceMinor: 1_250, stockOnHand: 10 }] });
    const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!);
    const { rows } = await testApp.database.pool.query<{ id: string }>(`select id from outbox where type = 'order.paid' and aggregate_id = $1`, [order.id]);

    expect(chat.messagesReceived()).toBe(0);
    expect(await testApp.app.services.notifications.send([rows[0]!.id])).toEqual([{ status: 'sent', notificationId: expect.any(String) }]);
    expect(chat.messagesReceived()).toBe(1);
  });
});
