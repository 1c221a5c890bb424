import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { JobQueues } from '../../../db/src/queues/job-queues.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { expireWithTwoWorkers, untilPast } from '../helpers/expiry.ts';
import { fundWallet, walletBalanceMinor } from '../helpers/orders.ts';
import { createOperator } from '../helpers/shoppers.ts';
import { groupProof, registerChatHost, signInThroughHost, type ChatHostFixture, type HostShopper } from './social-helpers.ts';

const EXPIRY_SECONDS = 2;
const group = 'office-chat';
let testApp: TestApp;
let host: ChatHostFixture;
let queues: JobQueues;

beforeAll(async () => {
  testApp = await buildTestApp({ RED_ENVELOPE_EXPIRY_SECONDS: String(EXPIRY_SECONDS) });
  host = await registerChatHost(testApp.app, (await createOperator(testApp.app)).headers);
  queues = new JobQueues(testApp.config);
}, 60_000);
afterAll(async () => {
  await queues?.close();
  await testApp?.close();
});

async function sendEnvelope(sender: HostShopper, amountMinor: number, shareCount: number): Promise<{ id: string; expiresAt: string }> {
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/api/store/red-envelopes',
    headers: { ...sender.headers, 'idempotency-key': newId() },
    payload: { mode: 'fair', currency: 'EUR', amountMinor, shareCount, group: await groupProof(host, sender, group) },
  });
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function claim(member: HostShopper, envelopeId: string) {
  return testApp.app.inject({ method: 'POST', url: `/api/store/red-envelopes/${envelopeId}/claims`, headers: member.headers, payload: { group: await groupProof(host, member, group) } });
}

async function holdBalanceMinor(envelopeId: string): Promise<number> {
  const { rows } = await testApp.app.database.pool.query<{ balance: number }>(
    `select (credits_posted - debits_posted)::int as balance from ledger_account where kind = 'red_envelope_hold' and owner_id = $1`,
    [envelopeId],
  );
  return rows[0]!.balance;
}

describe('unclaimed red envelope money', () => {
  it('goes back to the sender once when two workers run the expiry at the same time, and no claim is taken after the deadline', async () => {
    const { app } = testApp;
    const sender = await signInThroughHost(app, host);
    await fundWallet(app, sender.shopperId, 1_000);
    const envelope = await sendEnvelope(sender, 1_000, 5);
    const members = await Promise.all([1, 2, 3, 4].map(() => signInThroughHost(app, host)));
    const claimed: number[] = [];
    for (const member of members.slice(0, 3)) claimed.push((await claim(member, envelope.id)).json().claim.amountMinor);
    const claimedMinor = claimed.reduce((sum, amount) => sum + amount, 0);

    // Before the deadline there is nothing to return.
    expect(await app.services.redEnvelopes.returnUnclaimed(envelope.id)).toMatchObject({ status: 'not_due' });
    expect(await app.services.dueWork.find()).not.toContainEqual(expect.objectContaining({ name: 'red_envelope.return', key: envelope.id }));

    await untilPast(envelope.expiresAt);
    const late = await claim(members[3]!, envelope.id);
    expect(late.statusCode).toBe(422);
    expect(late.json().code).toBe('red_envelope_expired');
    expect(await app.services.dueWork.find()).toContainEqual(expect.objectContaining({ name: 'red_envelope.return', key: envelope.id }));

    const outcomes = await Promise.all([app.services.redEnvelopes.returnUnclaimed(envelope.id), app.services.redEnvelopes.returnUnclaimed(envelope.id)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['returned', 'unchanged']);
    expect(outcomes).toContainEqual({ status: 'returned', returnedMinor: 1_000 - claimedMinor });
    // And once more, later: nothing.
    expect(await app.services.redEnvelopes.returnUnclaimed(envelope.id)).toMatchObject({ status: 'unchanged' });

    expect(await walletBalanceMinor(app, sender.shopperId)).toBe(1_000 - claimedMinor);
    expect(await holdBalanceMinor(envelope.id)).toBe(0);
    const { rows } = await app.database.pool.query(`select 1 from ledger_transfer where reason = 'red_envelope_return' and reference_id = $1`, [envelope.id]);
    expect(rows).toHaveLength(1);
    const shown = (await app.inject({ method: 'GET', url: `/api/store/red-envelopes/${envelope.id}`, headers: sender.headers })).json();
    expect(shown).toMatchObject({ status: 'returned', claimedCount: 3, claimedMinor, returnedMinor: 1_000 - claimedMinor });
    expect(await app.services.dueWork.find()).not.toContainEqual(expect.objectContaining({ name: 'red_envelope.return', key: envelope.id }));
    await assertLedgerInvariants(app.database);
  }, 30_000);

  it('is found by the due-work sweeper and returned by two real job workers exactly once', async () => {
    const { app } = testApp;
    const sender = await signInThroughHost(app, host);
    await fundWallet(app, sender.shopperId, 700);
    const envelope = await sendEnvelope(sender, 700, 7);
    expect(await walletBalanceMinor(app, sender.shopperId)).toBe(0);
    await untilPast(envelope.expiresAt);

    await expireWithTwoWorkers(testApp, queues, {
      job: 'red_envelope.return',
      key: envelope.id,
      isDone: async () => (await walletBalanceMinor(app, sender.shopperId)) === 700,
      notDone: 'the unclaimed money did not come back',
      check: async () => {
        expect(await walletBalanceMinor(app, sender.shopperId)).toBe(700);
        expect((await app.services.dueWork.find()).filter((work) => work.key === envelope.id)).toEqual([]);
        const { rows } = await app.database.pool.query(`select 1 from ledger_transfer where reason = 'red_envelope_return' and reference_id = $1`, [envelope.id]);
        expect(rows).toHaveLength(1);
        await assertLedgerInvariants(app.database);
      },
    });
  }, 30_000);
});
