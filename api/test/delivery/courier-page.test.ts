import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeOrdersFixture, createOrdersFixture, placePaidOrder, type OrdersFixture } from '../helpers/orders.ts';
import { createCourier, createShipment, orderRow } from '../helpers/delivery.ts';

/**
 * The courier's phone page in a real browser (Debian's Chromium through playwright-core), against the
 * API listening on an ephemeral port: sign in with the token, see the shipment, share the location,
 * mark it picked up and delivered.
 */
let fixture: OrdersFixture;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  fixture = await createOrdersFixture([{ priceMinor: 500, stockOnHand: 10 }]);
  baseUrl = await fixture.testApp.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await closeOrdersFixture(fixture?.testApp);
});

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the /courier page in a browser', () => {
  it('lets a courier sign in, share the phone\'s position and deliver their shipment', async () => {
    const app = fixture.testApp.app;
    const courier = await createCourier(app, fixture.owner, 'Page Rider');
    const order = await placePaidOrder(app, fixture.shopper, fixture.shop.slug, fixture.shop.variantIds[0] as string);
    const shipment = (await createShipment(app, fixture.owner, order.id, { courierId: courier.id, destination: { latitude: 48.8606, longitude: 2.3376 } })).json();
    const number = (await app.inject({ method: 'GET', url: `/api/admin/orders/${order.id}`, headers: fixture.owner.headers })).json().number;

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, geolocation: { latitude: 48.853, longitude: 2.3499, accuracy: 10 }, permissions: ['geolocation'] });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${baseUrl}/courier`);
    await page.getByLabel('Courier token').fill(courier.token);
    await page.getByRole('button', { name: 'Save and load my shipments' }).click();
    await page.getByText(`Order #${number}`).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Signed in as Page Rider.');

    await page.getByRole('button', { name: `Picked up: order #${number}` }).click();
    await until(async () => (await orderRow(app, order.id)).status === 'shipped');

    await page.getByRole('button', { name: 'Share my location' }).click();
    await until(async () => {
      const { rows } = await app.database.pool.query('select last_latitude, eta_at from shipment where id = $1', [shipment.id]);
      return rows[0].last_latitude === 48.853 && rows[0].eta_at !== null;
    });

    await page.getByRole('button', { name: `Delivered: order #${number}` }).click();
    await until(async () => (await orderRow(app, order.id)).status === 'delivered');
    expect(errors).toEqual([]);
    await context.close();
  });
});
