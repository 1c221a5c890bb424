import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { fundWallet, walletBalanceMinor } from '../helpers/orders.ts';
import { createOperator } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';
import { groupProof, registerChatHost, signInThroughHost, type ChatHostFixture, type HostShopper } from './social-helpers.ts';

let testApp: TestApp;
let host: ChatHostFixture;
const group = 'family-chat';

beforeAll(async () => {
  testApp = await buildTestApp();
  host = await registerChatHost(testApp.app, (await createOperator(testApp.app)).headers);
}, 60_000);
afterAll(async () => testApp?.close());

async function send(sender: HostShopper, body: Record<string, unknown>, idempotencyKey = newId()) {
  return testApp.app.inject({
    method: 'POST',
    url: '/api/store/red-envelopes',
    headers: { ...sender.headers, 'idempotency-key': idempotencyKey },
    payload: { mode: 'fair', currency: 'EUR', amountMinor: 1_000, shareCount: 10, group: await groupProof(host, sender, group), ...body },
  });
}

async function claim(shopper: HostShopper, envelopeId: string, inGroup = group) {
  return testApp.app.inject({ method: 'POST', url: `/api/store/red-envelopes/${envelopeId}/claims`, headers: shopper.headers, payload: { group: await groupProof(host, shopper, inGroup) } });
}

describe('red envelopes', () => {
  it('500 members racing for a 10-share envelope: exactly 10 get a share, the shares sum to the amount, the ledger holds', async () => {
    const { app } = testApp;
    const sender = await signInThroughHost(app, host);
    await fundWallet(app, sender.shopperId, 5_000);
    const created = await send(sender, { mode: 'double_mean', amountMinor: 2_345, shareCount: 10 });
    expect(created.statusCode).toBe(201);
    const envelope = created.json();
    expect(await walletBalanceMinor(app, sender.shopperId)).toBe(5_000 - 2_345);

    const members: HostShopper[] = [];
    for (let index = 0; index < 500; index += 1) members.push(await signInThroughHost(app, host));
    const proofs = await Promise.all(members.map((member) => groupProof(host, member, group)));
    const started = performance.now();
    const latenciesMs: number[] = [];
    const answers = await Promise.all(
      members.map(async (member, index) => {
        const sent = performance.now();
        const answer = await app.inject({ method: 'POST', url: `/api/store/red-envelopes/${envelope.id}/claims`, headers: member.headers, payload: { group: proofs[index] } });
        latenciesMs.push(performance.now() - sent);
        return answer;
      }),
    );
    const elapsedMs = performance.now() - started;
    latenciesMs.sort((left, right) => left - right);
    const p99Ms = latenciesMs[Math.ceil(latenciesMs.length * 0.99) - 1]!;
    console.info(`500 claims on one envelope (in-process, pool of 5): ${Math.round(elapsedMs)} ms, ${Math.round(500 / (elapsedMs / 1000))} claims/s, p50 ${Math.round(latenciesMs[249]!)} ms, p99 ${Math.round(p99Ms)} ms`);

    const won = answers.filter((answer) => answer.statusCode === 201);
    const refused = answers.filter((answer) => answer.statusCode === 409);
    expect(won).toHaveLength(10);
    expect(refused).toHaveLength(490);
    for (const answer of refused) expect(answer.json().code).toBe('red_envelope_exhausted');
    const amounts = won.map((answer) => answer.json().claim.amountMinor as number);
    expect(amounts.every((amount) => amount >= 1)).toBe(true);
    expect(amounts.reduce((sum, amount) => sum + amount, 0)).toBe(2_345);

    // Each winner's wallet holds exactly its share; nobody else got anything.
    const balances = await Promise.all(members.map((member) => walletBalanceMinor(app, member.shopperId)));
    expect(balances.reduce((sum, balance) => sum + balance, 0)).toBe(2_345);
    expect(balances.filter((balance) => balance > 0)).toHaveLength(10);

    const after = (await app.inject({ method: 'GET', url: `/api/store/red-envelopes/${envelope.id}`, headers: sender.headers })).json();
    expect(after).toMatchObject({ status: 'claimed', claimedCount: 10, claimedMinor: 2_345 });
    expect(after.claims).toHaveLength(10);
    const { rows } = await app.database.pool.query<{ reason: string; count: number; total: number }>(
      `select reason, count(*)::int as count, sum(amount_minor)::int as total from ledger_transfer where reference_id = $1 group by reason order by reason`,
      [envelope.id],
    );
    expect(rows).toEqual([
      { reason: 'red_envelope_claim', count: 10, total: 2_345 },
      { reason: 'red_envelope_fund', count: 1, total: 2_345 },
    ]);
    await assertLedgerInvariants(app.database);
  }, 180_000);

  it('gives a shopper who claims twice at once one share, answered twice', async () => {
    const { app } = testApp;
    const sender = await signInThroughHost(app, host);
    await fundWallet(app, sender.shopperId, 100);
    const envelope = (await send(sender, { mode: 'equal', amountMinor: 100, shareCount: 4 })).json();
    const member = await signInThroughHost(app, host);
    const answers = await Promise.all(Array.from({ length: 5 }, () => claim(member, envelope.id)));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((answer) => answer.json().claim.position)).size).toBe(1);
    expect(await walletBalanceMinor(app, member.shopperId)).toBe(25);
    await assertLedgerInvariants(app.database);
  });

  it('refuses a member of another group with 404 and a proof for another shopper with 403, moving nothing', async () => {
    const { app } = testApp;
    const sender = await signInThroughHost(app, host);
    await fundWallet(app, sender.shopperId, 100);
    const envelope = (await send(sender, { amountMinor: 100, shareCount: 2 })).json();
    const outsider = await signInThroughHost(app, host);
    const otherGroup = await claim(outsider, envelope.id, 'another-group');
    expect(otherGroup.statusCode).toBe(404);

    const impostor = await signInThroughHost(app, host);
    const borrowed = await app.inject({
      method: 'POST',
      url: `/api/store/red-envelopes/${envelope.id}/claims`,
      headers: impostor.headers,
      payload: { group: await groupProof(host, outsider, group) },
    });
    expect(borrowed.statusCode).toBe(403);
    expect(borrowed.json().code).toBe('group_proof_invalid');

    const forged = await app.inject({
      method: 'POST',
      url: `/api/store/red-envelopes/${envelope.id}/claims`,
      headers: impostor.headers,
      payload: { group: await groupProof({ id: host.id, secret: 'not-the-host-secret-at-all-000000' }, impostor, group) },
    });
    expect(forged.statusCode).toBe(401);
    const current = (await app.inject({ method: 'GET', url: `/api/store/red-envelopes/${envelope.id}`, headers: sender.headers })).json();
    expect(current.claimedCount).toBe(0);
    expect(await walletBalanceMinor(app, outsider.shopperId)).toBe(0);
    expect(await walletBalanceMinor(app, impostor.shopperId)).toBe(0);
  });

  it('refuses an envelope the wallet cannot pay for, and amounts or counts beyond the limits, creating nothing', async () => {
    const { app } = testApp;
    const sender = await signInThroughHost(app, host);
    await fundWallet(app, sender.shopperId, 50);
    const poor = await send(sender, { amountMinor: 51, shareCount: 2 });
    expect(poor.statusCode).toBe(422);
    expect(poor.json().code).toBe('insufficient_funds');
    const tooMany = await send(sender, { amountMinor: 50_000, shareCount: 5_000 });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors).toHaveProperty('shareCount');
    const tooMuch = await send(sender, { amountMinor: 3_000_000, shareCount: 2 });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().errors).toHaveProperty('amountMinor');
    const tooLittle = await send(sender, { amountMinor: 3, shareCount: 4 });
    expect(tooLittle.statusCode).toBe(400);
    expect(tooLittle.json().errors).toHaveProperty('amountMinor');
    const { rows } = await app.database.pool.query(`select 1 from red_envelope where sender_shopper_id = $1`, [sender.shopperId]);
    expect(rows).toHaveLength(0);
    expect(await walletBalanceMinor(app, sender.shopperId)).toBe(50);
  });

  it('answers a retry with the same Idempotency-Key with the same envelope and takes the money once; another body is 409', async () => {
    const { app } = testApp;
    const sender = await signInThroughHost(app, host);
    await fundWallet(app, sender.shopperId, 1_000);
    const key = newId();
    const [first, second] = await Promise.all([send(sender, { amountMinor: 300, shareCount: 3 }, key), send(sender, { amountMinor: 300, shareCount: 3 }, key)]);
    expect([first!.statusCode, second!.statusCode]).toEqual([201, 201]);
    expect(first!.json().id).toBe(second!.json().id);
    expect(await walletBalanceMinor(app, sender.shopperId)).toBe(700);
    const changed = await send(sender, { amountMinor: 400, shareCount: 3 }, key);
    expect(changed.statusCode).toBe(409);
    expect(changed.json().errors).toHaveProperty('amountMinor');
  });

  it('lists the envelopes of a group to its members only', async () => {
    const { app } = testApp;
    const sender = await signInThroughHost(app, host);
    await fundWallet(app, sender.shopperId, 100);
    const envelope = (await send(sender, { amountMinor: 100, shareCount: 2, group: await groupProof(host, sender, 'book-club') })).json();
    const member = await signInThroughHost(app, host);
    const listed = await app.inject({ method: 'POST', url: '/api/store/red-envelopes/group', headers: member.headers, payload: { group: await groupProof(host, member, 'book-club') } });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().map((item: { id: string }) => item.id)).toEqual([envelope.id]);
    const elsewhere = await app.inject({ method: 'POST', url: '/api/store/red-envelopes/group', headers: member.headers, payload: { group: await groupProof(host, member, 'chess-club') } });
    expect(elsewhere.json()).toEqual([]);
  });

  it('refuses a merchant envelope its available balance cannot pay for, and hides one merchant\'s envelopes from another', async () => {
    const { app } = testApp;
    const merchant = await createMerchantWithStaff(app);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/admin/red-envelopes',
      headers: { ...merchant.headers, 'idempotency-key': newId() },
      payload: { mode: 'equal', currency: 'EUR', amountMinor: 500, shareCount: 5, group: await groupProof(host, null, group) },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('insufficient_funds');
    const listed = await app.inject({ method: 'GET', url: '/api/admin/red-envelopes', headers: merchant.headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual([]);
    // A shopper's envelope is not any merchant's.
    const sender = await signInThroughHost(app, host);
    await fundWallet(app, sender.shopperId, 100);
    const envelope = (await send(sender, { amountMinor: 100, shareCount: 2 })).json();
    expect((await app.inject({ method: 'GET', url: `/api/admin/red-envelopes/${envelope.id}`, headers: merchant.headers })).statusCode).toBe(404);
  });
});
