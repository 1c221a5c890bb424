import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { fundedWallet } from '../../db/src/modules/ledger/ledger.test-support.ts';
import { snapshotCut } from '../../db/src/modules/finance/balance-snapshots.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';

/** The repeatable `ledger.snapshot_balances` job, run by a real worker: one snapshot per account and cut, once. */
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

async function runJob(key: string): Promise<{ cutAt: string; accounts: number }> {
  const job = await workers.queues.enqueue('ledger.snapshot_balances', {}, { key });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const current = await workers.queues.queue('maintenance').getJob(job.id!);
    // Read again once completed: the copy fetched before completion has no return value yet.
    if (current && (await current.isCompleted())) return (await workers.queues.queue('maintenance').getJob(job.id!))!.returnvalue;
    if (current && (await current.isFailed())) throw new Error(current.failedReason);
    if (Date.now() > deadline) throw new Error('the job did not finish');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the ledger.snapshot_balances job', () => {
  it('writes each account’s snapshot at the last safe midnight once, and its balance reads the same', async () => {
    const wallet = await fundedWallet(testApp.app.services.ledger, 12_34);
    const first = await runJob('first');
    const cutAt = snapshotCut(new Date(), 15 * 60_000);
    expect(first).toEqual({ cutAt: cutAt.toISOString(), accounts: 2 });
    expect(await runJob('second')).toEqual({ cutAt: cutAt.toISOString(), accounts: 0 });
    const { rows } = await testApp.database.pool.query(`select account_id, cut_at from ledger_balance_snapshot where account_id = $1`, [wallet.id]);
    expect(rows).toEqual([{ account_id: wallet.id, cut_at: cutAt }]);
    const balance = await testApp.app.services.finance.balance({ type: 'system', process: 'test' }, wallet.id, {});
    expect(balance).toMatchObject({ balanceMinor: 12_34, transfers: 1 });
  });
});
