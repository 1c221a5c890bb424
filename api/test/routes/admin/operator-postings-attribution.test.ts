import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { parseCsv } from '../../helpers/finance.ts';
import { createOperator } from '../../helpers/shoppers.ts';

let testApp: TestApp;
let alice: { userId: string; headers: { authorization: string } };
let bob: { userId: string; headers: { authorization: string } };
let world: { id: string };
let wallet: { id: string };

const url = '/api/admin/operator/ledger';

async function openAccount(payload: Record<string, unknown>) {
  const response = await testApp.app.inject({ method: 'POST', url: `${url}/accounts`, headers: alice.headers, payload });
  expect(response.statusCode).toBe(200);
  return response.json();
}

const post = (headers: { authorization: string }, transfers: Record<string, unknown>[]) =>
  testApp.app.inject({ method: 'POST', url: `${url}/transfers`, headers, payload: { transfers } });

const topUp = (amountMinor: number, extra: Record<string, unknown> = {}) => ({
  id: newId(),
  debitAccountId: world.id,
  creditAccountId: wallet.id,
  amountMinor,
  currency: 'EUR',
  reason: 'adjustment',
  ...extra,
});

beforeAll(async () => {
  testApp = await buildTestApp();
  alice = await createOperator(testApp.app);
  bob = await createOperator(testApp.app);
  world = await openAccount({ kind: 'world', currency: 'EUR' });
  wallet = await openAccount({ kind: 'shopper_wallet', currency: 'EUR', ownerId: newId() });
});
afterEach(() => assertLedgerInvariants(testApp.database));
afterAll(() => testApp.close());

describe("operators' ledger postings", () => {
  it("record the posting operator's staff id, shown by the transfer API", async () => {
    const transfer = topUp(500, { metadata: { ticket: 'OPS-1' } });
    expect((await post(alice.headers, [transfer])).statusCode).toBe(200);
    const shown = await testApp.app.inject({ method: 'GET', url: `${url}/transfers/${transfer.id}`, headers: bob.headers });
    expect(shown.json().metadata).toEqual({ ticket: 'OPS-1', postedByStaffUserId: alice.userId });
    const listed = await testApp.app.inject({ method: 'GET', url: `${url}/transfers?filter={"id":["${transfer.id}"]}`, headers: bob.headers });
    expect(listed.json()[0].metadata.postedByStaffUserId).toBe(alice.userId);
  });

  it('cannot be attributed to someone else: a postedByStaffUserId sent by the caller is replaced', async () => {
    const transfer = topUp(200, { metadata: { postedByStaffUserId: alice.userId } });
    expect((await post(bob.headers, [transfer])).statusCode).toBe(200);
    const { rows } = await testApp.database.pool.query(`select metadata from ledger_transfer where id = $1`, [transfer.id]);
    expect(rows[0].metadata).toEqual({ postedByStaffUserId: bob.userId });
  });

  it('answer a repeat by the same operator with the original, and refuse the same id from another operator as a different body', async () => {
    const transfer = topUp(100);
    const first = (await post(alice.headers, [transfer])).json().results[0];
    const repeat = await post(alice.headers, [transfer]);
    expect(repeat.json().results[0]).toEqual({ ...first, status: 'exists' });
    const other = await post(bob.headers, [transfer]);
    expect(other.statusCode).toBe(409);
    expect(other.json().results[0]).toMatchObject({ status: 'failed', code: 'id_reused_with_different_body' });
    expect((await testApp.database.pool.query(`select count(*)::int as count from ledger_transfer where id = $1`, [transfer.id])).rows[0].count).toBe(1);
  });

  it('carry the operator into the journal export, inside the hashed body', async () => {
    const transfer = topUp(300);
    await post(alice.headers, [transfer]);
    const exported = await testApp.app.inject({ method: 'GET', url: '/api/admin/operator/finance/journal.csv', headers: bob.headers });
    expect(exported.statusCode).toBe(200);
    const lines = parseCsv(exported.body).filter((line) => line.transfer_id === transfer.id);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line.metadata as string)).toEqual({ postedByStaffUserId: alice.userId });
  });
});
