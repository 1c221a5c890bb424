import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import type { TestApp } from '../helpers/app.ts';
import { fundWallet, walletBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';
import { allowHostPage, startWidgetBrowser, type WidgetBrowser } from '../helpers/widget-browser.ts';

/**
 * Joining a group buy by card in one step (docs/social.md §2), in Debian's Chromium against the real API
 * and the fake Stripe (Stripe.js stand-in on the host page's server): a friend whose wallet lacks part of
 * the team price presses "Pay by card and join"; the missing part is a card top-up, and the join follows.
 */
let stand: WidgetBrowser;
let testApp: TestApp;
let browser: Browser;
let apiUrl: string;
let hostPort: number;
let shop: StoreFixture;
let teamId: string;

beforeAll(async () => {
  stand = await startWidgetBrowser({
    stripe: true,
    hostPage: () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host chat</title></head>
<body><minishop-store shop="${shop.slug}" group-buy-team="${teamId}"></minishop-store><script src="${apiUrl}/widget.js" async></script></body></html>`,
  });
  ({ testApp, apiUrl, browser, hostPort } = stand);
  const owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 2_000, stockOnHand: 10, title: '250 g' }] });
  // The host page's origin may call the store API for this shop (as widget-browser.test.ts sets it).
  await allowHostPage(stand, owner.headers, shop.shopId);
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
}, 120_000);
afterAll(() => stand?.close());

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
