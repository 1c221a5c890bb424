import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { startFakeStripeServer, type FakeStripeServer } from '../../../db/src/testing/stripe-server/stripe-server.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { fundWallet, walletBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';
import { serveStripeJsStandIn } from '../helpers/stripe-js-stand-in.ts';
import { ensureWidgetBuilt } from '../helpers/widget.ts';

/**
 * Joining a group buy by card in one step (docs/social.md §2), in Debian's Chromium against the real API
 * and the fake Stripe (Stripe.js stand-in on the host page's server): a friend whose wallet lacks part of
 * the team price presses "Pay by card and join"; the missing part is a card top-up, and the join follows.
 */
let testApp: TestApp;
let stripe: FakeStripeServer;
let browser: Browser;
let apiUrl: string;
let hostServer: Server;
let hostPort: number;
let shop: StoreFixture;
let teamId: string;

beforeAll(async () => {
  await ensureWidgetBuilt();
  stripe = await startFakeStripeServer();
  hostServer = createServer((request, response) => {
    void serveStripeJsStandIn(request, response, stripe, () => `${apiUrl}/api/webhooks/stripe`).then((served) => {
      if (served) return;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host chat</title></head>
<body><minishop-store shop="${shop.slug}" group-buy-team="${teamId}"></minishop-store><script src="${apiUrl}/widget.js" async></script></body></html>`);
    });
  });
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  hostPort = (hostServer.address() as AddressInfo).port;
  testApp = await buildTestApp({ STRIPE_API_URL: stripe.url, STRIPE_JS_URL: `http://localhost:${hostPort}/stripe-stand-in.js` });
  apiUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 2_000, stockOnHand: 10, title: '250 g' }] });
  // The host page's origin may call the store API for this shop (as widget-browser.test.ts sets it).
  await testApp.database.pool.query(`update shop set allowed_embed_origins = $2 where id = $1`, [shop.shopId, [`http://localhost:${hostPort}`]]);
  const offer = await testApp.app.inject({
    method: 'POST',
    url: '/api/admin/group-buys',
    headers: { ...owner.headers, 'idempotency-key': newId() },
    payload: { variantId: shop.variantIds[0], teamPriceMinor: 1_500, teamSize: 2, teamCap: 10 },
  });
  expect(offer.statusCode, offer.body).toBe(201);
  const leader = await createGuestShopper(testApp.app);
  await fundWallet(testApp.app, leader.shopperId, 1_500);
  const opened = await testApp.app.inject({ method: 'POST', url: `/api/store/group-buys/${offer.json().id}/teams`, headers: { ...leader.headers, 'idempotency-key': newId() } });
  expect(opened.statusCode, opened.body).toBe(201);
  teamId = opened.json().id;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => hostServer?.close(resolve));
  await testApp?.close();
  await stripe?.close();
});

describe('joining a group buy by card', () => {
  it('a wallet short of the team price: the missing part is paid by card, then the join goes through at once', { timeout: 90_000 }, async () => {
    const deviceId = randomBytes(18).toString('hex');
    const friend = await createGuestShopper(testApp.app, deviceId);
    await fundWallet(testApp.app, friend.shopperId, 500);
    const context = await browser.newContext({ viewport: { width: 420, height: 900 }, locale: 'en-US' });
    await context.addInitScript((id) => localStorage.setItem('minishop:device-id', id), deviceId);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://localhost:${hostPort}/`);

    const join = page.getByRole('button', { name: 'Join the team: pay €15.00 from my wallet' });
    await join.waitFor().catch(async (error: Error) => {
      const shown = await page.locator('minishop-store').evaluate((element) => element.shadowRoot?.querySelector('.panel')?.textContent ?? '(no panel)');
      throw new Error(`${error.message}\nThe widget showed: ${shown}\nPage errors: ${errors.join('; ')}`);
    });
    await join.click();
    await page.getByRole('button', { name: 'Pay €15.00 by card and join' }).click();
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    // Only what the wallet lacks (€15.00 - €5.00) goes on the card.
    await page.getByRole('button', { name: 'Pay €10.00 by card' }).click();
    await page.getByText('The team is complete: your order is paid.').first().waitFor();

    const { rows: topUps } = await testApp.database.pool.query(`select status, amount_minor::int as amount from wallet_top_up where shopper_id = $1`, [friend.shopperId]);
    expect(topUps).toEqual([{ status: 'succeeded', amount: 1_000 }]);
    expect(await walletBalanceMinor(testApp.app, friend.shopperId)).toBe(0);
    const { rows: orders } = await testApp.database.pool.query(`select status, total_minor::int as total from shop_order where shopper_id = $1 and source = 'group_buy'`, [friend.shopperId]);
    expect(orders).toEqual([{ status: 'paid', total: 1_500 }]);
    expect(errors).toEqual([]);
    await assertLedgerInvariants(testApp.database);
    await context.close();
  });
});
