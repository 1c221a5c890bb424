import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCourier, createShipment, postPosition } from '../helpers/delivery.ts';
import { placePaidOrder } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';

/** The courier API's rate limit counts per courier token, so one chatty phone never slows another down. */
let testApp: TestApp;

beforeAll(async () => {
  testApp = await buildTestApp({ COURIER_RATE_LIMIT_MAX_PER_MINUTE: '3' });
});
afterAll(async () => testApp?.close());

describe('the courier rate limit', () => {
  it('answers 429 to a courier over the limit while another courier goes on', async () => {
    const app = testApp.app;
    const owner = await createMerchantWithStaff(app, 'owner');
    const shop = await createStoreFixture(app, owner.merchantId, { variants: [{ priceMinor: 500, stockOnHand: 10 }] });
    const shopper = await createGuestShopper(app);
    const chatty = await createCourier(app, owner, 'Chatty');
    const quiet = await createCourier(app, owner, 'Quiet');
    const order = await placePaidOrder(app, shopper, shop.slug, shop.variantIds[0] as string);
    const shipment = (await createShipment(app, owner, order.id, { courierId: chatty.id })).json();

    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const recordedAt = new Date(Date.now() - 10_000 + index).toISOString();
      statuses.push((await postPosition(app, chatty, shipment.id, { latitude: 48.85, longitude: 2.35 + index / 1000, recordedAt })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await app.inject({ method: 'GET', url: '/api/courier/shipments', headers: quiet.headers })).statusCode).toBe(200);
  });
});
