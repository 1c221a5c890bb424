import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { DEMO_CHAT_HOST_NAME } from '../../../db/src/seeds/demo-chat-members.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import type { TestApp } from '../helpers/app.ts';
import { fundWallet } from '../helpers/orders.ts';
import { createOperator, createStoreFixture, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';
import { startWidgetBrowser, waitOrExplain, watchRequests, type WidgetBrowser } from '../helpers/widget-browser.ts';
import { signInThroughHost, type ChatHostFixture } from './social-helpers.ts';

/**
 * Share links in the demo chat's group, in Debian's Chromium against the real API: Mei's group-buy card is
 * her own share link (/r/<code>); Omar opens it (a touch for Mei), starts a team and shares it from the
 * widget, which posts his link's card in the conversation; Lina opens that card and joins: her order is
 * attributed to Omar, and Omar's to Mei.
 */
let stand: WidgetBrowser;
let testApp: TestApp;
let browser: Browser;
let apiUrl: string;
let shop: StoreFixture;
let host: ChatHostFixture;
let offerId: string;

beforeAll(async () => {
  stand = await startWidgetBrowser();
  ({ testApp, apiUrl, browser } = stand);
  const owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 2_000, stockOnHand: 10, title: 'Tin' }] });
  const registered = await testApp.app.inject({ method: 'POST', url: '/api/admin/operator/chat-hosts', headers: (await createOperator(testApp.app)).headers, payload: { name: DEMO_CHAT_HOST_NAME } });
  expect(registered.statusCode, registered.body).toBe(201);
  host = { id: registered.json().id, secret: registered.json().secret };
  const offer = await testApp.app.inject({
    method: 'POST',
    url: '/api/admin/group-buys',
    headers: { ...owner.headers, 'idempotency-key': newId() },
    payload: { variantId: shop.variantIds[0], teamPriceMinor: 1_500, teamSize: 2, teamCap: 10 },
  });
  expect(offer.statusCode, offer.body).toBe(201);
  offerId = offer.json().id;
}, 120_000);
afterAll(() => stand?.close());

describe('share links in the demo chat', () => {
  it("the group-buy card is Mei's share link; a team Omar shares from the widget becomes his card, and Lina's order through it is his referral (his own is Mei's)", { timeout: 90_000 }, async () => {
    const { app } = testApp;
    const [mei, omar, lina] = [await signInThroughHost(app, host, 'demo-mei', 'Mei'), await signInThroughHost(app, host, 'demo-omar', 'Omar'), await signInThroughHost(app, host, 'demo-lina', 'Lina')];
    await fundWallet(app, omar.shopperId, 1_500);
    await fundWallet(app, lina.shopperId, 1_500);

    const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, locale: 'en-US' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: apiUrl });
    const page = await context.newPage();
    watchRequests(page);
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${apiUrl}/demo?shop=${shop.slug}&group-buy=${offerId}`);

    // Mei's card carries her link: /r/<code>, a share link whose sharer is Mei.
    const meiMessage = page.locator('li.message').filter({ hasText: 'Cheaper together' });
    const meiLink = meiMessage.locator('a.share-url');
    await meiLink.waitFor();
    const meiCode = /\/r\/([A-Za-z0-9]{10})$/.exec((await meiLink.getAttribute('href')) ?? '')?.[1];
    const { rows: meiLinks } = await app.database.pool.query(`select kind, target_id, sharer_shopper_id from share_link where code = $1`, [meiCode]);
    expect(meiLinks).toEqual([{ kind: 'group_buy', target_id: offerId, sharer_shopper_id: mei.shopperId }]);

    // Omar opens Mei's card: the widget opens at the group buy as Omar, and his open is a touch for Mei.
    await page.getByLabel('You are').selectOption({ label: 'Omar' });
    await meiMessage.getByRole('button').click();
    const widget = page.locator('minishop-store');
    await waitOrExplain(page, widget.getByText('€15.00 each in a team of 2'));
    const touches = (code: string, shopperId: string) =>
      app.database.pool.query(`select touch.sharer_shopper_id from share_touch touch join share_link link on link.id = touch.share_link_id where link.code = $1 and touch.shopper_id = $2`, [code, shopperId]).then((result) => result.rows);
    await expect.poll(() => touches(meiCode!, omar.shopperId)).toEqual([{ sharer_shopper_id: mei.shopperId }]);

    // Omar starts a team and shares it: his link's card appears in the conversation.
    await widget.getByRole('button', { name: 'Start a team: pay €15.00 from my wallet' }).click();
    await widget.getByText('1 of 2 joined').first().waitFor();
    await widget.getByRole('button', { name: 'Copy the link for friends' }).click();
    const omarMessage = page.locator('li.message').filter({ hasText: 'shared a link' }).filter({ hasText: 'Omar' });
    await omarMessage.waitFor();
    const omarCode = /\/r\/([A-Za-z0-9]{10})$/.exec((await omarMessage.locator('a.share-url').getAttribute('href')) ?? '')?.[1];
    const { rows: omarLinks } = await app.database.pool.query(`select kind, sharer_shopper_id from share_link where code = $1`, [omarCode]);
    expect(omarLinks).toEqual([{ kind: 'group_buy_team', sharer_shopper_id: omar.shopperId }]);

    // Lina opens Omar's card and joins: the team forms, and her order is Omar's referral.
    await page.getByLabel('You are').selectOption({ label: 'Lina' });
    await omarMessage.getByRole('button').click();
    await waitOrExplain(page, widget.getByRole('button', { name: 'Join the team: pay €15.00 from my wallet' }));
    await expect.poll(() => touches(omarCode!, lina.shopperId)).toEqual([{ sharer_shopper_id: omar.shopperId }]);
    await widget.getByRole('button', { name: 'Join the team: pay €15.00 from my wallet' }).click();
    await widget.getByText('The team is complete: your order is paid.').first().waitFor();
    const { rows: attributed } = await app.database.pool.query(
      `select commission.shopper_id, commission.referrer_shopper_id from referral_commission commission join shop_order on shop_order.id = commission.order_id where shop_order.shop_id = $1 and shop_order.source = 'group_buy'`,
      [shop.shopId],
    );
    // Omar came through Mei's link, Lina through Omar's: each order is its sharer's (last touch).
    expect(attributed).toHaveLength(2);
    expect(attributed).toEqual(
      expect.arrayContaining([
        { shopper_id: omar.shopperId, referrer_shopper_id: mei.shopperId },
        { shopper_id: lina.shopperId, referrer_shopper_id: omar.shopperId },
      ]),
    );
    expect(errors).toEqual([]);
    await assertLedgerInvariants(testApp.database);
    await context.close();
  });
});
