import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CHAT_HOST_NAME } from '../../../db/src/seeds/demo-chat-members.ts';
import { JOBS } from '../../../db/src/queues/registry.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { startJobWorkers, type JobWorkers } from '../../../workers/src/job-workers.ts';
import { processors } from '../../../workers/src/processors/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { fundWallet, walletBalanceMinor } from '../helpers/orders.ts';
import { createOperator, createStoreFixture, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';
import { startWidgetBrowser, waitOrExplain, watchRequests, type WidgetBrowser } from '../helpers/widget-browser.ts';
import { signInThroughHost, type ChatHostFixture } from './social-helpers.ts';

/**
 * Red envelopes in the demo chat's group, in Debian's Chromium against the real API on a loopback port:
 * the demo host vouches for four members (GET /demo/members), Mei sends an envelope from her wallet,
 * three others claim from its card and see their amounts, and after the deadline (a short
 * RED_ENVELOPE_EXPIRY_SECONDS) the outbox relay and a real job worker give Mei the rest back.
 */
const EXPIRY_SECONDS = 30;

let stand: WidgetBrowser;
let testApp: TestApp;
let browser: Browser;
let apiUrl: string;
let shop: StoreFixture;
let host: ChatHostFixture;
let workers: JobWorkers;

beforeAll(async () => {
  stand = await startWidgetBrowser({ env: { RED_ENVELOPE_EXPIRY_SECONDS: String(EXPIRY_SECONDS) }, relay: { pollIntervalMs: 500 } });
  ({ testApp, apiUrl, browser } = stand);
  const owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 900, stockOnHand: 5, title: 'Tin' }] });
  // The chat host the demo chat plays, registered by an operator as the demo seed does.
  const registered = await testApp.app.inject({
    method: 'POST',
    url: '/api/admin/operator/chat-hosts',
    headers: (await createOperator(testApp.app)).headers,
    payload: { name: DEMO_CHAT_HOST_NAME },
  });
  expect(registered.statusCode, registered.body).toBe(201);
  host = { id: registered.json().id, secret: registered.json().secret };

  workers = await startJobWorkers({
    config: testApp.config,
    services: testApp.app.services,
    logger: pino({ level: 'silent' }),
    registry: { 'red_envelope.return': JOBS['red_envelope.return'] },
    scheduleRepeatableJobs: false,
    processors: { 'red_envelope.return': processors['red_envelope.return'] },
  });
}, 120_000);
afterAll(async () => {
  await workers?.close();
  await stand?.close();
});

const euros = (amountMinor: number) => `€${(amountMinor / 100).toFixed(2)}`;

describe('red envelopes in the demo chat', () => {
  it('a red envelope sent to the group is claimed from its card by three members who see their amounts, and the sender sees the rest come back after the deadline', { timeout: 150_000 }, async () => {
    const { app } = testApp;
    // Mei's wallet holds €10.00 (the same shopper the demo host's token signs in: subject demo-mei).
    const mei = await signInThroughHost(app, host, 'demo-mei', 'Mei');
    await fundWallet(app, mei.shopperId, 1_000);

    const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, locale: 'en-US' });
    const page = await context.newPage();
    watchRequests(page);
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${apiUrl}/demo?shop=${shop.slug}`);
    await page.getByRole('button', { name: 'Tea lovers (group)' }).click();
    const member = page.getByLabel('You are');
    await member.waitFor();
    expect(await member.locator('option').allTextContents()).toEqual(['Mei', 'Omar', 'Lina', 'Kenji']);

    // Mei sends €10.00 in 4 fair shares to the group from her wallet.
    await page.getByRole('button', { name: 'Send a red envelope' }).click();
    const widget = page.locator('minishop-store');
    await waitOrExplain(page, widget.getByText('Wallet balance: €10.00'));
    await widget.getByLabel('Total amount (EUR)').fill('10');
    await widget.getByLabel('Number of shares').fill('4');
    await widget.getByLabel('Random, the same odds for everyone').check();
    await widget.getByLabel('Message (optional)').fill('Happy tea year');
    await widget.getByRole('button', { name: 'Send €10.00 in 4 shares' }).click();
    await waitOrExplain(page, widget.getByText('You sent this red envelope.'));
    await widget.getByText('Wallet balance: €0.00').waitFor();
    const { rows: sent } = await app.database.pool.query<{ id: string; mode: string; share_count: number; group_key: string }>(
      `select id, mode, share_count, group_key from red_envelope where sender_shopper_id = $1`,
      [mei.shopperId],
    );
    expect(sent).toEqual([{ id: expect.any(String), mode: 'fair', share_count: 4, group_key: `host:${host.id}:tea-lovers` }]);
    const envelopeId = sent[0]!.id;

    // The envelope is a card in the group conversation.
    const card = page.locator('.card.red-envelope');
    await card.filter({ hasText: 'Happy tea year' }).filter({ hasText: '0 of 4 claimed.' }).waitFor();
    expect(await page.locator('.message', { has: card }).locator('.from').textContent()).toBe('Mei');

    // Omar, Lina and Kenji each claim from the card and see what they got.
    const won = new Map<string, number>();
    for (const name of ['Omar', 'Lina', 'Kenji']) {
      await member.selectOption({ label: name });
      await card.getByRole('button', { name: 'Open the red envelope' }).click();
      await waitOrExplain(page, widget.getByRole('button', { name: 'Open it' }));
      await widget.getByRole('button', { name: 'Open it' }).click();
      const status = widget.getByText(/^You got €\d+\.\d\d!$/);
      await waitOrExplain(page, status);
      won.set(name, Math.round(Number((await status.textContent())!.match(/€(\d+\.\d\d)/)![1]) * 100));
      // The list of who got what names every claimer so far.
      await widget.getByText(`${name}: ${euros(won.get(name)!)}`).waitFor();
    }
    await card.filter({ hasText: '3 of 4 claimed.' }).waitFor();

    // What the members saw is what the ledger paid them, each a distinct shopper.
    const { rows: shares } = await app.database.pool.query<{ name: string; amount: number; wallet: number }>(
      `select shopper.display_name as name, share.amount_minor::int as amount,
              (select (credits_posted - debits_posted)::int from ledger_account where kind = 'shopper_wallet' and owner_id = share.claimed_by_shopper_id and currency = 'EUR') as wallet
         from red_envelope_share share join shopper on shopper.id = share.claimed_by_shopper_id where share.envelope_id = $1 order by share.position`,
      [envelopeId],
    );
    expect(shares.map((share) => share.name).sort()).toEqual(['Kenji', 'Lina', 'Omar']);
    for (const share of shares) {
      expect(share.amount).toBe(won.get(share.name));
      expect(share.wallet).toBe(share.amount);
    }
    const claimedMinor = [...won.values()].reduce((sum, amount) => sum + amount, 0);
    expect(claimedMinor).toBeLessThan(1_000);

    // Mei opens her envelope: before the deadline it says when the rest comes back; after it, the
    // outbox's delayed job runs in the real worker and her view shows the rest back in her wallet.
    await member.selectOption({ label: 'Mei' });
    await card.getByRole('button', { name: 'Open the red envelope' }).click();
    await waitOrExplain(page, widget.getByText('You sent this red envelope.'));
    const back = widget.getByText(`${euros(1_000 - claimedMinor)} came back to your wallet.`);
    await waitOrExplain(page, back, (EXPIRY_SECONDS + 20) * 1_000);
    await widget.getByText(`Wallet balance: ${euros(1_000 - claimedMinor)}`).waitFor();
    expect(await walletBalanceMinor(app, mei.shopperId)).toBe(1_000 - claimedMinor);
    const { rows: returns } = await app.database.pool.query(`select 1 from ledger_transfer where reason = 'red_envelope_return' and reference_id = $1`, [envelopeId]);
    expect(returns).toHaveLength(1);

    // The card in the conversation says so too (the chat reloads its cards when a member switches).
    await member.selectOption({ label: 'Omar' });
    await card.filter({ hasText: 'Expired: 3 of 4 claimed, the rest went back.' }).waitFor();
    await assertLedgerInvariants(app.database);
    expect(errors).toEqual([]);
    await context.close();
  });
});
