import type { Job } from 'bullmq';
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
  it('expires a hold past its timeout exactly once when two runs of the job are enqueued together: both run, one of them expires it', async () => {
    const { ledger } = testApp.app.services;
    const wallet = await fundedWallet(ledger, 1_000);
    const escrow = await ledger.openAccount({ kind: 'escrow', currency: 'EUR' });
    const [hold] = await ledger.record([payment(wallet, escrow, 400, { kind: 'pending', timeoutSeconds: 1 })]);
    expect((await ledger.getAccountById(wallet.id))?.debitsPending).toBe(400);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const jobs = await Promise.all([
      workers.queues.enqueue('ledger.expire_pending', {}, { key: 'first' }),
      workers.queues.enqueue('ledger.expire_pending', {}, { key: 'second' }),
    ]);
    // Both runs must finish, each with its own result: a run that never happened has none. The job is
    // read after its state says finished: a copy read before holds no result yet.
    const finished = async (job: Job) => {
      const queue = workers.queues.queue('maintenance');
      const deadline = Date.now() + 15_000;
      for (;;) {
        const state = await queue.getJobState(job.id!);
        if (state === 'completed') return queue.getJob(job.id!);
        if (state === 'failed') throw new Error(`job ${job.id} failed: ${(await queue.getJob(job.id!))?.failedReason}`);
        if (Date.now() > deadline) throw new Error(`job ${job.id} did not finish`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const [first, second] = await Promise.all(jobs.map(finished));
    expect(first!.id).not.toBe(second!.id);
    const results = [first!.returnvalue, second!.returnvalue] as { expired: number; skipped: number }[];
    for (const result of results) expect(result).toEqual({ expired: expect.any(Number), skipped: expect.any(Number) });
    // Exactly one of the two expired the hold; the other found it gone or lost the race to it.
    expect(results.map((result) => result.expired).sort()).toEqual([0, 1]);
    expect((await testApp.database.pool.query(`select status from ledger_pending where transfer_id = $1`, [hold?.id])).rows[0]?.status).toBe('expired');
    const expiries = await testApp.database.pool.query(`select count(*)::int as count from ledger_transfer where pending_id = $1`, [hold?.id]);
    expect(expiries.rows[0].count).toBe(1);
    const account = await ledger.getAccountById(wallet.id);
    expect(account?.debitsPending).toBe(0);
    await assertLedgerInvariants(testApp.database);
  });
});
