import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './helpers/browser.ts';
import { ensureConsoleBuilt } from './helpers/console-build.ts';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { createOperator } from '../../api/test/helpers/shoppers.ts';
import { groupProof, hostToken, registerChatHost, signInThroughHost, type ChatHostFixture } from '../../api/test/social/social-helpers.ts';
import { DEMO_PASSWORD } from '../../db/src/seeds/demo-catalog.ts';
import { seedDemoOrders } from '../../db/src/seeds/demo-orders.ts';
import { seedDemo } from '../../db/src/seeds/demo.ts';

/**
 * The console's red envelopes in Debian's Chromium against the real API, seeded like `npm start` (the
 * demo orders leave the merchant an available balance): the owner sends a promotion to a group a chat
 * host vouches for, sees it with its ledger transfer, and sees a member's claim appear.
 */
let testApp: TestApp;
let baseUrl: string;
let browser: Browser;
let page: Page;
let host: ChatHostFixture;

const OWNER = 'owner@demo.minishop.dev';

beforeAll(async () => {
  await ensureConsoleBuilt();
  testApp = await buildTestApp();
  await seedDemo(testApp.database, testApp.config);
  await seedDemoOrders(testApp.database, testApp.app.services);
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  host = await registerChatHost(testApp.app, (await createOperator(testApp.app)).headers);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await testApp?.close();
});

async function ownerToken(): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: OWNER, password: DEMO_PASSWORD } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().accessToken;
}

describe('red envelopes in the console', () => {
  it('sends a promotional envelope from the available balance and shows its shares, claims and ledger transfers', { timeout: 90_000 }, async () => {
    const headers = { authorization: `Bearer ${await ownerToken()}` };
    const balances = (await testApp.app.inject({ method: 'GET', url: '/api/admin/finance/balances', headers })).json() as { currency: string; availableMinor: number }[];
    const balance = balances.find((each) => each.availableMinor >= 300);
    expect(balance, JSON.stringify(balances)).toBeDefined();

    await signIn(page, baseUrl, OWNER);

    await page.getByRole('menuitem', { name: 'Red envelopes' }).click();
    await page.getByRole('link', { name: /create/i }).click();
    await page.getByRole('heading', { level: 1, name: 'Send a promotional red envelope' }).waitFor();
    await page.getByText(/^Available balance: /).waitFor();
    await page.getByRole('combobox', { name: 'Currency' }).click();
    await page.getByRole('option', { name: balance!.currency }).click();
    await page.getByLabel('Amount').fill('3');
    await page.getByLabel('Number of shares').fill('2');
    await page.getByLabel('Message').fill('Grand opening');
    await page.getByLabel('Chat host id').fill(host.id);
    await page.getByLabel('Signed group token').fill(await hostToken(host, { group: 'tea-lovers' }));
    await page.getByRole('button', { name: 'Save' }).click();

    await page.getByRole('heading', { level: 1, name: 'Grand opening' }).waitFor();
    await page.getByText('0 / 2').waitFor();
    await page.getByRole('cell', { name: 'Funded from the balance' }).waitFor();
    await page.getByText('Nobody has claimed yet.').waitFor();
    const { rows } = await testApp.database.pool.query<{ id: string; amount_minor: number; group_key: string }>(
      `select id, amount_minor::int, group_key from red_envelope where sender_type = 'merchant' and message = 'Grand opening'`,
    );
    const exponentFactor = balance!.currency === 'JPY' ? 1 : 100;
    expect(rows).toEqual([{ id: expect.any(String), amount_minor: 3 * exponentFactor, group_key: `host:${host.id}:tea-lovers` }]);
    const after = (await testApp.app.inject({ method: 'GET', url: '/api/admin/finance/balances', headers })).json() as { currency: string; availableMinor: number }[];
    expect(after.find((each) => each.currency === balance!.currency)!.availableMinor).toBe(balance!.availableMinor - 3 * exponentFactor);

    // A member of the group claims; the console shows the claim and the transfer behind it.
    const member = await signInThroughHost(testApp.app, host, 'member-ann', 'Ann');
    const claimed = await testApp.app.inject({
      method: 'POST',
      url: `/api/store/red-envelopes/${rows[0]!.id}/claims`,
      headers: member.headers,
      payload: { group: await groupProof(host, member, 'tea-lovers') },
    });
    expect(claimed.statusCode, claimed.body).toBe(201);
    await page.reload();
    await page.getByRole('cell', { name: 'Ann' }).waitFor();
    await page.getByRole('cell', { name: 'Claimed share' }).waitFor();
    await page.getByText('1 / 2').waitFor();

    // The list shows it too.
    await page.getByRole('menuitem', { name: 'Red envelopes' }).click();
    await page.getByRole('cell', { name: 'Grand opening' }).waitFor();
    await page.getByText('Open', { exact: true }).waitFor();
  });
});
