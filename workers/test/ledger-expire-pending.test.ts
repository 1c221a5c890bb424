import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { fundedWallet, payment } from '../../db/src/modules/ledger/ledger.test-support.ts';
import { assertLedgerInvariants } from '../../db/src/testing/ledger-invariants.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';

/** The repeatable `ledger.expire_pending` job, run by real workers on real Redis, releases timed-out holds once. */
let testApp: TestApp;
let workers: JobWorkers;

beforeAll(async () => {
  testApp = await buildTestApp();
  workers = await startJobWorkers({ config: testApp.config, services: testApp.app.services, processors, logger: pino({ level: 'silent' }), scheduleRepeatableJobs: false });
});
afterAll(async () => {
  await workers?.close();
  await testApp?.close();
});

describe('the ledger.expire_pending job', () => {
  it('expires a hold past its timeout exactly once, even when the job runs twice at the same time', async () => {
    const { ledger } = testApp.app.services;
    const wallet = await fundedWallet(ledger, 1_000);
    const escrow = await ledger.openAccount({ kind: 'escrow', currency: 'EUR' });
    const [hold] = await ledger.record([payment(wallet, escrow, 400, { kind: 'pending', timeoutSeconds: 1 })]);
    expect((await ledger.getAccountById(wallet.id))?.debitsPending).toBe(400);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await Promise.all([
      workers.queues.enqueue('ledger.expire_pending', {}, { key: 'first' }),
      workers.queues.enqueue('ledger.expire_pending', {}, { key: 'second' }),
    ]);
    const pendingStatus = async () =>
      (await testApp.database.pool.query(`select status from ledger_pending where transfer_id = $1`, [hold?.id])).rows[0]?.status;
    const deadline = Date.now() + 10_000;
    while ((await pendingStatus()) !== 'expired' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await pendingStatus()).toBe('expired');
    // Let the second job finish too before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const expiries = await testApp.database.pool.query(`select count(*)::int as count from ledger_transfer where pending_id = $1`, [hold?.id]);
    expect(expiries.rows[0].count).toBe(1);
    const account = await ledger.getAccountById(wallet.id);
    expect(account?.debitsPending).toBe(0);
    await assertLedgerInvariants(testApp.database);
  });
});
