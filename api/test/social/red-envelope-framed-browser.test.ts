import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import type { TestApp } from '../helpers/app.ts';
import { fundWallet, walletBalanceMinor } from '../helpers/orders.ts';
import { createOperator, createStoreFixture, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';
import { allowHostPage, startWidgetBrowser, type WidgetBrowser } from '../helpers/widget-browser.ts';
import { hostToken, registerChatHost, signInThroughHost, type ChatHostFixture, type HostShopper } from './social-helpers.ts';

/**
 * Red envelopes in a framed widget (/embed/<slug>), in Debian's Chromium: the host chat's bridge `init`
 * carries who the member is and the group proof (docs/storefront-widget.md "Host bridge"); the widget
 * reports each send and claim back to the host as a `red-envelope` message.
 */
const GROUP = 'framed-tea-group';
let stand: WidgetBrowser;
let testApp: TestApp;
let browser: Browser;
let apiUrl: string;
let hostPort: number;
let shop: StoreFixture;
let host: ChatHostFixture;

/** The host chat's page: frames the widget and answers its hello with the init the test gives (?init=). */
function framingPage(init: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framing host</title></head><body>
<iframe title="Shop" src="${apiUrl}/embed/${shop.slug}" style="width:420px;height:800px"></iframe>
<script>
window.received = [];
var init = JSON.parse(atob(${JSON.stringify(init)}));
window.addEventListener('message', function (event) {
  if (event.origin !== ${JSON.stringify(apiUrl)}) return;
  window.received.push(event.data);
  if (event.data && event.data.v === 1 && event.data.type === 'hello') {
    event.source.postMessage(Object.assign({ v: 1, type: 'init', id: 'init-1', lang: 'en' }, init), event.origin);
  }
});
</script></body></html>`;
}

beforeAll(async () => {
  stand = await startWidgetBrowser({ hostPage: (query) => framingPage(query.get('init') ?? '') });
  ({ testApp, apiUrl, browser, hostPort } = stand);
  const owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 900, stockOnHand: 5, title: 'Tin' }] });
  await allowHostPage(stand, owner.headers, shop.shopId);
  host = await registerChatHost(testApp.app, (await createOperator(testApp.app)).headers);
}, 120_000);
afterAll(() => stand?.close());

type Received = { v: number; type: string; envelopeId?: string; action?: string }[];

/** A member's host chat framing the widget: identity and group proof in the bridge's init, nothing else. */
async function framedAs(member: HostShopper, redEnvelope: string): Promise<{ page: Page; close(): Promise<void>; errors: string[] }> {
  const init = {
    identity: { provider: 'host', hostId: host.id, token: await hostToken(host, { sub: member.subject, name: 'Member' }) },
    group: { provider: 'host', hostId: host.id, token: await hostToken(host, { sub: member.subject, group: GROUP }) },
    redEnvelope,
  };
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://localhost:${hostPort}/?init=${encodeURIComponent(Buffer.from(JSON.stringify(init)).toString('base64'))}`);
  return { page, errors, close: () => context.close() };
}

const received = (page: Page) => page.evaluate(() => (window as unknown as { received: Received }).received.filter((message) => message.type === 'red-envelope'));

describe('red envelopes in a framed widget', () => {
  it('the host’s init proves the group: a member sends from the frame, another claims, and the host hears both', { timeout: 90_000 }, async () => {
    const { app } = testApp;
    const sender = await signInThroughHost(app, host, 'framed-sender', 'Sender');
    const claimer = await signInThroughHost(app, host, 'framed-claimer', 'Claimer');
    await fundWallet(app, sender.shopperId, 600);

    const sending = await framedAs(sender, 'new');
    const frame = sending.page.frameLocator('iframe[title="Shop"]');
    await frame.getByText('Wallet balance: €6.00').waitFor();
    await frame.getByLabel('Total amount (EUR)').fill('6');
    await frame.getByLabel('Number of shares').fill('2');
    await frame.getByRole('button', { name: 'Send €6.00 in 2 shares' }).click();
    await frame.getByText('You sent this red envelope.').waitFor();
    const { rows: sent } = await app.database.pool.query<{ id: string; group_key: string }>(`select id, group_key from red_envelope where sender_shopper_id = $1`, [sender.shopperId]);
    expect(sent).toEqual([{ id: expect.any(String), group_key: `host:${host.id}:${GROUP}` }]);
    await expect.poll(() => received(sending.page)).toEqual([{ v: 1, type: 'red-envelope', id: expect.any(String), envelopeId: sent[0]!.id, action: 'sent' }]);

    const claiming = await framedAs(claimer, sent[0]!.id);
    const claimFrame = claiming.page.frameLocator('iframe[title="Shop"]');
    await claimFrame.getByRole('button', { name: 'Open it' }).click();
    const status = claimFrame.getByText(/^You got €\d+\.\d\d!$/);
    await status.waitFor();
    const wonMinor = Math.round(Number((await status.textContent())!.match(/€(\d+\.\d\d)/)![1]) * 100);
    expect(await walletBalanceMinor(app, claimer.shopperId)).toBe(wonMinor);
    await expect.poll(() => received(claiming.page)).toEqual([{ v: 1, type: 'red-envelope', id: expect.any(String), envelopeId: sent[0]!.id, action: 'claimed' }]);

    expect([...sending.errors, ...claiming.errors]).toEqual([]);
    await assertLedgerInvariants(testApp.database);
    await sending.close();
    await claiming.close();
  });
});
