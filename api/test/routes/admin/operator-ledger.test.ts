import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { buildApp } from '../../../src/app.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { operatorHeaders } from '../../helpers/finance.ts';
import { createMerchantWithStaff } from '../../helpers/staff.ts';

let testApp: TestApp;
let operator: { authorization: string };
let world: { id: string };
let escrow: { id: string };

const url = '/api/admin/operator/ledger';

async function openAccount(payload: Record<string, unknown>) {
  const response = await testApp.app.inject({ method: 'POST', url: `${url}/accounts`, headers: operator, payload });
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function submit(transfers: Record<string, unknown>[]) {
  return testApp.app.inject({ method: 'POST', url: `${url}/transfers`, headers: operator, payload: { transfers } });
}

async function transferCount(): Promise<number> {
  return (await testApp.database.pool.query('select count(*)::int as count from ledger_transfer')).rows[0].count;
}

async function fundedWallet(amountMinor: number) {
  const wallet = await openAccount({ kind: 'shopper_wallet', currency: 'EUR', ownerId: newId() });
  const response = await submit([{ id: newId(), debitAccountId: world.id, creditAccountId: wallet.id, amountMinor, currency: 'EUR', reason: 'top_up' }]);
  expect(response.statusCode).toBe(200);
  return wallet;
}

beforeAll(async () => {
  testApp = await buildTestApp();
  operator = await operatorHeaders(testApp.app);
  world = await openAccount({ kind: 'world', currency: 'EUR' });
  escrow = await openAccount({ kind: 'escrow', currency: 'EUR' });
});
afterEach(() => assertLedgerInvariants(testApp.database));
afterAll(() => testApp.close());

describe('/api/admin/operator/ledger', () => {
  it('is for operators only', async () => {
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/accounts` })).statusCode).toBe(401);
    const owner = await createMerchantWithStaff(testApp.app, 'owner');
    for (const [method, path] of [
      ['GET', '/accounts'],
      ['POST', '/transfers'],
      ['POST', '/verifications'],
    ] as const) {
      const response = await testApp.app.inject({
        method,
        url: `${url}${path}`,
        headers: owner.headers,
        ...(method === 'POST' ? { payload: { transfers: [{ id: newId(), debitAccountId: world.id, creditAccountId: escrow.id, amountMinor: 1, currency: 'EUR', reason: 'x' }] } } : {}),
      });
      expect(response.statusCode, path).toBe(403);
      expect(response.json().code).toBe('operator_only');
    }
  });

  it('opens an account once per kind, currency and owner, and shows its balances', async () => {
    const ownerId = newId();
    const first = await openAccount({ kind: 'shopper_wallet', currency: 'EUR', ownerId });
    const second = await openAccount({ kind: 'shopper_wallet', currency: 'EUR', ownerId });
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ kind: 'shopper_wallet', ownerType: 'shopper', ownerId, balanceMinor: 0, availableMinor: 0, debitsMustNotExceedCredits: true });
    const bad = await testApp.app.inject({ method: 'POST', url: `${url}/accounts`, headers: operator, payload: { kind: 'escrow', currency: 'EUR', ownerId } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toHaveProperty('ownerId');
  });

  it('applies a submission and answers one result per transfer', async () => {
    const wallet = await fundedWallet(1_000);
    const response = await submit([
      { id: newId(), debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor: 300, currency: 'EUR', reason: 'order_payment', linked: true },
      { id: newId(), debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor: 200, currency: 'EUR', reason: 'order_payment' },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.json().results).toEqual([
      { id: expect.any(String), status: 'created', sequence: expect.any(Number), amountMinor: 300, createdAt: expect.any(String) },
      { id: expect.any(String), status: 'created', sequence: expect.any(Number), amountMinor: 200, createdAt: expect.any(String) },
    ]);
    const account = await testApp.app.inject({ method: 'GET', url: `${url}/accounts/${wallet.id}`, headers: operator });
    expect(account.json()).toMatchObject({ balanceMinor: 500, debitsPosted: 500, creditsPosted: 1_000 });
  });

  it('answers a repeat with the original result, and the same id with another body with 409 naming the field', async () => {
    const wallet = await fundedWallet(1_000);
    const transfer = { id: newId(), debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor: 100, currency: 'EUR', reason: 'order_payment' };
    const first = (await submit([transfer])).json().results[0];
    const before = await transferCount();
    const repeat = await submit([transfer]);
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json().results[0]).toEqual({ ...first, status: 'exists' });
    const conflict = await submit([{ ...transfer, amountMinor: 101 }]);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ type: 'conflict', code: 'id_reused_with_different_body', errors: { amountMinor: expect.any(String) } });
    expect(conflict.json().results[0]).toMatchObject({ status: 'failed', code: 'id_reused_with_different_body', field: 'amountMinor' });
    expect(await transferCount()).toBe(before);
  });

  it('remembers ids across an app restart', async () => {
    const wallet = await fundedWallet(1_000);
    const transfer = { id: newId(), debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor: 100, currency: 'EUR', reason: 'order_payment' };
    expect((await submit([transfer])).statusCode).toBe(200);
    const restarted = await buildApp(testApp.config, { database: testApp.database, logger: false });
    try {
      const response = await restarted.inject({ method: 'POST', url: `${url}/transfers`, headers: operator, payload: { transfers: [transfer] } });
      expect(response.json().results[0].status).toBe('exists');
    } finally {
      await restarted.close();
    }
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/accounts/${wallet.id}`, headers: operator })).json().balanceMinor).toBe(900);
  });

  it('answers a broken rule with 422, an unknown account with 404, and a linked chain as a whole', async () => {
    const wallet = await fundedWallet(100);
    const before = await transferCount();
    const poor = await submit([{ id: newId(), debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor: 101, currency: 'EUR', reason: 'order_payment' }]);
    expect(poor.statusCode).toBe(422);
    expect(poor.json()).toMatchObject({ code: 'insufficient_funds', results: [{ status: 'failed', code: 'insufficient_funds' }] });
    const unknown = await submit([{ id: newId(), debitAccountId: newId(), creditAccountId: escrow.id, amountMinor: 1, currency: 'EUR', reason: 'order_payment' }]);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'account_not_found', errors: { debitAccountId: expect.any(String) } });
    const chain = await submit([
      { id: newId(), debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor: 60, currency: 'EUR', reason: 'order_payment', linked: true },
      { id: newId(), debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor: 60, currency: 'EUR', reason: 'order_payment' },
    ]);
    expect(chain.statusCode).toBe(422);
    expect(chain.json().results.map((result: { code: string }) => result.code)).toEqual(['linked_event_failed', 'insufficient_funds']);
    expect(await transferCount()).toBe(before);
  });

  it('refuses malformed transfers with 400 naming the field, and more than 8,000 at once', async () => {
    const before = await transferCount();
    const bad = await submit([{ id: 'nope', debitAccountId: escrow.id, creditAccountId: world.id, amountMinor: -5, currency: 'EUR', reason: 'x' }]);
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().errors)).toEqual(expect.arrayContaining(['transfers.0.id', 'transfers.0.amountMinor']));
    const transfer = { id: newId(), debitAccountId: world.id, creditAccountId: escrow.id, amountMinor: 1, currency: 'EUR', reason: 'x' };
    const tooMany = await submit(Array.from({ length: 8_001 }, () => transfer));
    expect(tooMany.statusCode).toBe(400);
    expect(await transferCount()).toBe(before);
  });

  it('runs a two-phase transfer through the API', async () => {
    const wallet = await fundedWallet(500);
    const pendingId = newId();
    expect((await submit([{ id: pendingId, kind: 'pending', debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor: 400, currency: 'EUR', reason: 'hold', timeoutSeconds: 600 }])).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/accounts/${wallet.id}`, headers: operator })).json()).toMatchObject({ balanceMinor: 500, availableMinor: 100 });
    expect((await submit([{ id: newId(), kind: 'post_pending', pendingId, amountMinor: 150 }])).statusCode).toBe(200);
    const again = await submit([{ id: newId(), kind: 'void_pending', pendingId }]);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('pending_already_posted');
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/accounts/${wallet.id}`, headers: operator })).json()).toMatchObject({ balanceMinor: 350, availableMinor: 350 });
  });

  it('lists transfers of an account in the simple-rest shape and shows one', async () => {
    const wallet = await fundedWallet(100);
    await submit([{ id: newId(), debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor: 30, currency: 'EUR', reason: 'order_payment', referenceType: 'order', referenceId: 'o-42' }]);
    const list = await testApp.app.inject({ method: 'GET', url: `${url}/transfers?filter=${encodeURIComponent(JSON.stringify({ accountId: wallet.id }))}&sort=["sequence","ASC"]&range=[0,9]`, headers: operator });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-range']).toBe('transfers 0-1/2');
    const [topUp, paid] = list.json();
    expect(topUp).toMatchObject({ creditAccountId: wallet.id, reason: 'top_up' });
    expect(paid).toMatchObject({ debitAccountId: wallet.id, referenceId: 'o-42', previousHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const one = await testApp.app.inject({ method: 'GET', url: `${url}/transfers/${paid.id}`, headers: operator });
    expect(one.json()).toEqual(paid);
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/transfers/${newId()}`, headers: operator })).statusCode).toBe(404);
    const accounts = await testApp.app.inject({ method: 'GET', url: `${url}/accounts?filter={"kind":"escrow"}`, headers: operator });
    expect(accounts.headers['content-range']).toBe('accounts 0-0/1');
  });

  it('queues a verification run for the workers, and shows it by id', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: `${url}/verifications`, headers: operator });
    expect(response.statusCode).toBe(202);
    const run = response.json();
    expect(run).toMatchObject({ status: 'queued', ok: null, report: null, startedAt: null, finishedAt: null });
    // The job travels through the outbox with the run's row (the workers' tests run it: workers/test/ledger-verify.test.ts).
    const outbox = await testApp.database.pool.query(`select type, jobs from outbox where aggregate_id = $1`, [run.id]);
    expect(outbox.rows).toEqual([{ type: 'ledger.verification_requested', jobs: [{ name: 'ledger.verify', key: run.id, payload: { runId: run.id }, runAt: null }] }]);
    const shown = await testApp.app.inject({ method: 'GET', url: `${url}/verifications/${run.id}`, headers: operator });
    expect(shown.json()).toEqual(run);
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/verifications/${newId()}`, headers: operator })).statusCode).toBe(404);
    expect(await transferCount()).toBeGreaterThan(0);
  });
});
