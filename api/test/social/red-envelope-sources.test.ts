import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, type StripeTestApp } from '../helpers/card-payments.ts';
import { walletBalanceMinor } from '../helpers/orders.ts';
import { fundMerchantThroughOrder, topUpByCard } from '../helpers/settled-orders.ts';
import { createOperator } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';
import { groupProof, registerChatHost, signInThroughHost, type ChatHostFixture } from './social-helpers.ts';

const BOT_TOKEN = '123456789:AAH-test-bot-token-for-minishop-tests';

/** initData as Telegram builds it for a Mini App opened from a chat (chat_instance set). */
function telegramInitData(user: { id: number; first_name: string }, chatInstance: string | null): string {
  const fields: Record<string, string> = { query_id: 'AAHdF6IQAAAAAN0XohDhrOrc', user: JSON.stringify(user), auth_date: String(Math.floor(Date.now() / 1000)) };
  if (chatInstance) fields.chat_instance = chatInstance;
  const secretKey = createHmac('sha256', 'WebAppData').update(BOT_TOKEN).digest();
  const dataCheckString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  return new URLSearchParams({ ...fields, hash: createHmac('sha256', secretKey).update(dataCheckString).digest('hex') }).toString();
}

let stripe: StripeTestApp;
let host: ChatHostFixture;

beforeAll(async () => {
  stripe = await buildStripeTestApp({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_INIT_DATA_MAX_AGE_SECONDS: '3600' });
  host = await registerChatHost(stripe.testApp.app, (await createOperator(stripe.testApp.app)).headers);
}, 60_000);
afterAll(async () => stripe?.close());

async function availableMinor(merchantId: string): Promise<number> {
  const { rows } = await stripe.testApp.app.database.pool.query<{ balance: number }>(
    `select (credits_posted - debits_posted - debits_pending)::int as balance from ledger_account where kind = 'merchant_available' and owner_id = $1`,
    [merchantId],
  );
  return rows[0]?.balance ?? 0;
}

describe('red envelopes funded by a merchant and by Telegram groups', () => {
  it('a merchant sends a promotion from the balance a settled order put there; members claim it; the console shows the ledger transfers behind it', async () => {
    const app = stripe.testApp.app;
    const owner = await createMerchantWithStaff(app);
    const { merchantId } = owner;
    await fundMerchantThroughOrder(stripe, merchantId, 600);
    expect(await availableMinor(merchantId)).toBe(600);

    const created = await app.inject({
      method: 'POST',
      url: '/api/admin/red-envelopes',
      headers: { ...owner.headers, 'idempotency-key': newId() },
      payload: { mode: 'equal', currency: 'EUR', amountMinor: 600, shareCount: 3, message: 'Thanks for shopping!', group: await groupProof(host, null, 'fans') },
    });
    expect(created.statusCode).toBe(201);
    const envelope = created.json();
    expect(envelope).toMatchObject({ senderType: 'merchant', merchantId, groupKey: `host:${host.id}:fans`, claimedCount: 0 });
    expect(envelope.transfers).toEqual([expect.objectContaining({ reason: 'red_envelope_fund', amountMinor: 600 })]);
    expect(await availableMinor(merchantId)).toBe(0);

    const members = await Promise.all([1, 2, 3].map(() => signInThroughHost(app, host)));
    for (const member of members) {
      const answer = await app.inject({ method: 'POST', url: `/api/store/red-envelopes/${envelope.id}/claims`, headers: member.headers, payload: { group: await groupProof(host, member, 'fans') } });
      expect(answer.statusCode).toBe(201);
      expect(await walletBalanceMinor(app, member.shopperId)).toBe(200);
    }

    const listed = await app.inject({ method: 'GET', url: '/api/admin/red-envelopes', headers: owner.headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.headers['content-range']).toBe('red-envelopes 0-0/1');
    const [shown] = listed.json();
    expect(shown).toMatchObject({ id: envelope.id, status: 'claimed', claimedMinor: 600 });
    expect(shown.transfers.map((transfer: { reason: string }) => transfer.reason)).toEqual(['red_envelope_fund', 'red_envelope_claim', 'red_envelope_claim', 'red_envelope_claim']);
    const other = await createMerchantWithStaff(app);
    expect((await app.inject({ method: 'GET', url: `/api/admin/red-envelopes/${envelope.id}`, headers: other.headers })).statusCode).toBe(404);
    await assertLedgerInvariants(app.database);
  }, 60_000);

  it('a Telegram group is the chat_instance of initData the bot signed, for the shopper it names only', async () => {
    const app = stripe.testApp.app;
    const session = async (userId: number) => {
      const response = await app.inject({ method: 'POST', url: '/api/store/sessions', payload: { provider: 'telegram', initData: telegramInitData({ id: userId, first_name: `User ${userId}` }, null) } });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      return { shopperId: body.shopper.id as string, accessToken: body.accessToken as string, headers: { authorization: `Bearer ${body.accessToken}` }, userId };
    };
    const sender = await session(1001);
    const member = await session(1002);
    const stranger = await session(1003);
    await topUpByCard(stripe, sender, 500);

    const chat = '-8123456789012345678';
    const created = await app.inject({
      method: 'POST',
      url: '/api/store/red-envelopes',
      headers: { ...sender.headers, 'idempotency-key': newId() },
      payload: { mode: 'double_mean', currency: 'EUR', amountMinor: 500, shareCount: 2, group: { provider: 'telegram', initData: telegramInitData({ id: 1001, first_name: 'User 1001' }, chat) } },
    });
    expect(created.statusCode).toBe(201);
    const envelope = created.json();
    expect(envelope.groupKey).toBe(`telegram:${chat}`);

    const claimWith = (who: { headers: { authorization: string } }, initData: string) =>
      app.inject({ method: 'POST', url: `/api/store/red-envelopes/${envelope.id}/claims`, headers: who.headers, payload: { group: { provider: 'telegram', initData } } });
    // Someone else's initData, initData opened outside a chat, another chat: refused.
    expect((await claimWith(stranger, telegramInitData({ id: 1002, first_name: 'User 1002' }, chat))).statusCode).toBe(403);
    expect((await claimWith(stranger, telegramInitData({ id: 1003, first_name: 'User 1003' }, null))).statusCode).toBe(403);
    expect((await claimWith(stranger, telegramInitData({ id: 1003, first_name: 'User 1003' }, '-999'))).statusCode).toBe(404);

    const claimed = await claimWith(member, telegramInitData({ id: 1002, first_name: 'User 1002' }, chat));
    expect(claimed.statusCode).toBe(201);
    expect(await walletBalanceMinor(app, member.shopperId)).toBe(claimed.json().claim.amountMinor);
    expect(await walletBalanceMinor(app, stranger.shopperId)).toBe(0);
    await assertLedgerInvariants(app.database);
  }, 60_000);
});
