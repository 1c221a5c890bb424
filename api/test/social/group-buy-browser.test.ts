import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import type { TestApp } from '../helpers/app.ts';
import { fundWallet } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';
import { startWidgetBrowser, type WidgetBrowser } from '../helpers/widget-browser.ts';

/**
 * A group buy in the demo chat, in Debian's Chromium against the real API on a loopback port, with the
 * outbox relay running so that GET /ws carries the team's progress: one shopper opens a team from the
 * group chat's card and copies its share link (/r/<code>), two friends open the link and join (their
 * orders attributed to the leader), and all three see the team
 * complete and their orders paid.
 */
let stand: WidgetBrowser;
let testApp: TestApp;
let browser: Browser;
let apiUrl: string;
let shop: StoreFixture;
let offerId: string;

beforeAll(async () => {
  stand = await startWidgetBrowser({ relay: { pollIntervalMs: 1_000 } });
  ({ testApp, apiUrl, browser } = stand);
  const owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 2_000, stockOnHand: 10, title: '250 g' }] });
  const offer = await testApp.app.inject({
    method: 'POST',
    url: '/api/admin/group-buys',
    headers: { ...owner.headers, 'idempotency-key': newId() },
    payload: { variantId: shop.variantIds[0], teamPriceMinor: 1_500, teamSize: 3, teamCap: 10 },
  });
  expect(offer.statusCode).toBe(201);
  offerId = offer.json().id;
}, 120_000);
afterAll(() => stand?.close());

/** A browser of its own for one shopper: a known guest device (so the test can fund that shopper's wallet). */
async function shopperBrowser(): Promise<{ context: BrowserContext; page: Page; shopperId: string; errors: string[] }> {
  const deviceId = randomBytes(18).toString('hex');
  const { shopperId } = await createGuestShopper(testApp.app, deviceId);
  await fundWallet(testApp.app, shopperId, 1_500);
  const context = await browser.newContext({ viewport: { width: 420, height: 900 }, locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: apiUrl });
  await context.addInitScript((id) => localStorage.setItem('minishop:device-id', id), deviceId);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, shopperId, errors };
}

describe('a group buy in the demo chat', () => {
  it('one shopper shares a team, two friends join through the link, and all three see the team complete and their orders paid', { timeout: 90_000 }, async () => {
    const leader = await shopperBrowser();
    await leader.page.goto(`${apiUrl}/demo?shop=${shop.slug}&group-buy=${offerId}`);
    await leader.page.getByText('Group buy: Jasmine Tea, 3 people').waitFor();
    await leader.page.getByRole('button', { name: 'Open the group buy' }).click();
    await leader.page.getByText('€15.00 each in a team of 3').waitFor();
    await leader.page.getByRole('button', { name: 'Start a team: pay €15.00 from my wallet' }).click();
    await leader.page.getByText('1 of 3 joined').first().waitFor();
    await leader.page.getByRole('button', { name: 'Copy the link for friends' }).click();
    await leader.page.getByRole('status').filter({ hasText: 'Link copied: paste it in the chat.' }).waitFor();
    // The leader's own share link to the team (their referral code), not the page's address.
    const link = await leader.page.evaluate(() => navigator.clipboard.readText());
    const code = /\/r\/([A-Za-z0-9]{10})$/.exec(link)?.[1];
    expect(code, link).toBeTruthy();

    const friends = [await shopperBrowser(), await shopperBrowser()];
    for (const [index, friend] of friends.entries()) {
      const opened = friend.page.waitForResponse((response) => response.url().endsWith(`/api/store/share-links/${code}/opens`) && response.status() === 201);
      await friend.page.goto(`${apiUrl}/r/${code}`);
      await opened;
      await friend.page.getByRole('button', { name: 'Join the team: pay €15.00 from my wallet' }).click();
      if (index === 0) {
        await friend.page.getByText('2 of 3 joined').first().waitFor();
        // The leader's screen follows the team live.
        await leader.page.getByText('2 of 3 joined').first().waitFor();
      }
    }
    for (const shopper of [leader, ...friends]) {
      await shopper.page.getByText('The team is complete: your order is paid.').first().waitFor();
      await shopper.page.getByRole('button', { name: 'See my order' }).click();
      await shopper.page.getByText('Paid. Thank you!').waitFor();
    }
    const { rows } = await testApp.database.pool.query<{ shopperId: string; status: string; totalMinor: number }>(
      `select shopper_id as "shopperId", status, total_minor::int as "totalMinor" from shop_order where shop_id = $1 and source = 'group_buy' order by shopper_id`,
      [shop.shopId],
    );
    expect(rows).toEqual(
      [leader, ...friends].map((shopper) => ({ shopperId: shopper.shopperId, status: 'paid', totalMinor: 1_500 })).sort((left, right) => left.shopperId.localeCompare(right.shopperId)),
    );
    // The friends came through the leader's link: their orders are attributed to the leader; the leader's is nobody's.
    const { rows: attributed } = await testApp.database.pool.query<{ shopperId: string; referrerId: string }>(
      `select shopper_id as "shopperId", referrer_shopper_id as "referrerId" from referral_commission where shop_id = $1 order by shopper_id`,
      [shop.shopId],
    );
    expect(attributed).toEqual(friends.map((friend) => ({ shopperId: friend.shopperId, referrerId: leader.shopperId })).sort((left, right) => left.shopperId.localeCompare(right.shopperId)));
    for (const shopper of [leader, ...friends]) {
      expect(shopper.errors).toEqual([]);
      await shopper.context.close();
    }
  });
});
