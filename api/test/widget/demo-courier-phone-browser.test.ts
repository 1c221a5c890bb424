import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../db/src/seeds/demo.ts';
import { DEMO_SHOPPER_DEVICE_ID, seedDemoOrders } from '../../../db/src/seeds/demo-orders.ts';
import type { TestApp } from '../helpers/app.ts';
import { startWidgetBrowser, type WidgetBrowser } from '../helpers/widget-browser.ts';

/**
 * `/demo` as `npm start` leaves it (the demo seed loaded): the demo shopper pays an order in the widget,
 * "Send a demo courier" on the courier's phone beside the chat sends a new courier with it, and the
 * widget follows the ride live to the door.
 */
let stand: WidgetBrowser;
let testApp: TestApp;
let apiUrl: string;
let browser: Browser;

beforeAll(async () => {
  stand = await startWidgetBrowser({ relay: { pollIntervalMs: 1_000 } });
  ({ testApp, apiUrl, browser } = stand);
  await seedDemo(testApp.database, testApp.config);
  await seedDemoOrders(testApp.database, testApp.app.services);
}, 120_000);
afterAll(() => stand?.close());

describe('the demo chat after npm start', () => {
  it('sends a demo courier with the order the demo shopper just paid, and the widget follows it to the door', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
    // The widget signs in as the seed's demo shopper, whose wallet the seed credited.
    await context.addInitScript(`localStorage.setItem('minishop:device-id', ${JSON.stringify(DEMO_SHOPPER_DEVICE_ID)})`);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${apiUrl}/demo?courierStepMs=200`);
    await page.getByRole('button', { name: 'Browse the whole shop' }).click();
    const widget = page.locator('minishop-store');
    await widget.getByRole('button', { name: /^Fukamushi Sencha/ }).click();
    await widget.getByRole('button', { name: 'Add to cart' }).click();
    await widget.getByRole('button', { name: 'Cart (1)' }).click();
    await widget.getByRole('button', { name: 'Place order' }).click();
    await widget.getByRole('button', { name: /from my wallet$/ }).click();
    await widget.getByText('Paid. Thank you!').waitFor();
    // The order just paid: the newest of the database.
    const { rows } = await testApp.database.pool.query<{ id: string; status: string }>(`select id, status from shop_order order by created_at desc limit 1`);
    expect(rows[0]?.status).toBe('paid');
    const orderId = rows[0]!.id;

    const phone = page.getByRole('complementary', { name: "Courier's phone" });
    await phone.getByRole('button', { name: 'Send a demo courier' }).click();
    await widget.getByText('Status: shipped').waitFor();
    await widget.getByRole('img', { name: 'Courier route' }).waitFor();
    await phone.getByText('Delivered.').waitFor({ timeout: 30_000 });
    await widget.getByText('Status: delivered').waitFor({ timeout: 15_000 });
    expect(await widget.locator('svg.route polyline').evaluate((line) => (line.getAttribute('points') ?? '').split(' ').length)).toBe(10);
    const { rows: shipments } = await testApp.database.pool.query<{ status: string; courier: string }>(
      `select shipment.status, courier.name as courier from shipment join courier on courier.id = shipment.courier_id where shipment.order_id = $1`,
      [orderId],
    );
    expect(shipments).toEqual([{ status: 'delivered', courier: expect.stringMatching(/^Demo Courier \d\d:\d\d:\d\d$/) }]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
