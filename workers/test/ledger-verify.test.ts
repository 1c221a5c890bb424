import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { operatorHeaders } from '../../api/test/helpers/finance.ts';
import { newId } from '../../db/src/ids.ts';
import type { LedgerAccount } from '../../db/src/modules/ledger/ledger.types.ts';
import { verifyLedger } from '../../db/src/modules/ledger/ledger-verify.ts';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { withPoolTransaction } from '../../db/src/pool-transaction.ts';
import { assertLedgerInvariants } from '../../db/src/testing/ledger-invariants.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';

/**
 * Verification runs end to end: an operator starts one over HTTP, the outbox relay enqueues
 * `ledger.verify`, a real BullMQ worker runs the verifier in one REPEATABLE READ snapshot, and the
 * operator reads the report by id. Transfers keep being written meanwhile by concurrent writers.
 */
let testApp: TestApp;
let workers: JobWorkers;
let relay: OutboxRelay;
let operator: { authorization: string };
let world: LedgerAccount;
const wallets: LedgerAccount[] = [];

const url = '/api/admin/operator/ledger/verifications';

beforeAll(async () => {
  testApp = await buildTestApp();
  workers = await startJobWorkers({ config: testApp.config, services: testApp.app.services, processors, logger: pino({ level: 'silent' }), scheduleRepeatableJobs: false });
  relay = new OutboxRelay({ config: testApp.config, pool: testApp.database.pool, queues: workers.queues, publisher: testApp.app.redis, pollIntervalMs: 20 });
  relay.start();
  operator = await operatorHeaders(testApp.app);
  const { ledger } = testApp.app.services;
  world = await ledger.openAccount({ kind: 'world', currency: 'EUR' });
  for (let index = 0; index < 40; index += 1) wallets.push(await ledger.openAccount({ kind: 'shopper_wallet', currency: 'EUR', ownerId: newId() }));
  // A ledger of some size, so that a verification spans many round trips.
  for (let round = 0; round < 20; round += 1) {
    await ledger.record(wallets.map((wallet) => ({ id: newId(), debitAccountId: world.id, creditAccountId: wallet.id, amountMinor: 1_00, currency: 'EUR', reason: 'top_up' })));
  }
});
afterAll(async () => {
  await relay?.stop();
  await workers?.close();
  await testApp?.close();
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runVerification(): Promise<{ id: string; status: string; ok: boolean | null; report: Record<string, unknown> | null; startedAt: string }> {
  const started = await testApp.app.inject({ method: 'POST', url, headers: operator });
  expect(started.statusCode).toBe(202);
  const { id } = started.json();
  return until(
    async () => (await testApp.app.inject({ method: 'GET', url: `${url}/${id}`, headers: operator })).json(),
    (run) => run.status === 'succeeded' || run.status === 'failed',
  );
}

async function transferCount(): Promise<number> {
  return (await testApp.database.pool.query<{ count: number }>('select count(*)::int as count from ledger_transfer')).rows[0]!.count;
}

/**
 * Writers on their own: through the service's batching writer, and in transactions of their own on
 * separate pooled connections (the path orders use), moving money between wallets until stopped.
 */
function startWriters(count: number): { stop(): Promise<number> } {
  const { ledger } = testApp.app.services;
  let running = true;
  let written = 0;
  const writers = Array.from({ length: count }, async (_, writer) => {
    while (running) {
      const from = wallets[(writer * 7 + written) % wallets.length]!;
      const to = wallets[(writer * 11 + written + 1) % wallets.length]!;
      if (from.id === to.id) continue;
      const transfer = { id: newId(), debitAccountId: from.id, creditAccountId: to.id, amountMinor: 1, currency: 'EUR' as const, reason: 'gift' };
      const results =
        writer % 2 === 0
          ? await ledger.submit([transfer])
          : await withPoolTransaction(testApp.database.pool, (client) => ledger.applyInTransaction(client, [transfer]));
      if (results[0]?.status === 'created') written += 1;
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(writers);
      return written;
    },
  };
}

describe('ledger verification runs', () => {
  it('are started by an operator, carried out by the workers and read by id', async () => {
    const run = await runVerification();
    expect(run).toMatchObject({ status: 'succeeded', ok: true, report: { ok: true, transfers: await transferCount(), accounts: wallets.length + 1 } });
  });

  it('stay clean while transfers are written in parallel, through the worker and in many small pages', async () => {
    const writers = startWriters(6);
    try {
      // Small pages and account batches stretch each verification over many round trips, so writes land in the middle of it.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const before = await transferCount();
        const verification = await verifyLedger(testApp.database.pool, { transferPageSize: 25, accountBatchSize: 3 });
        const after = await transferCount();
        expect(verification, `attempt ${attempt}`).toMatchObject({ ok: true });
        // The verifier saw one snapshot: at least what was there before it started, at most what was there after.
        const seen = (verification as { transfers: number }).transfers;
        expect(seen).toBeGreaterThanOrEqual(before);
        expect(seen).toBeLessThanOrEqual(after);
        // Transfers were really being committed while it read.
        expect(after).toBeGreaterThan(before);
      }
      const run = await runVerification();
      expect(run).toMatchObject({ status: 'succeeded', ok: true, report: { ok: true } });
    } finally {
      const written = await writers.stop();
      expect(written).toBeGreaterThan(0);
    }
    await assertLedgerInvariants(testApp.database);
  });

  it('still finds a real mismatch, in whichever batch of accounts it lies', async () => {
    const victim = [...wallets].sort((left, right) => left.id.localeCompare(right.id)).at(-1)!;
    // Corruption cannot be made through the product (that is the point of the ledger), so this test
    // simulates it: as the database superuser it changes a balance behind the ledger's back, and puts
    // it back at the end. Nothing else in the tests writes ledger tables directly.
    await testApp.database.pool.query('update ledger_account set credits_posted = credits_posted + 1 where id = $1', [victim.id]);
    try {
      expect(await verifyLedger(testApp.database.pool, { transferPageSize: 25, accountBatchSize: 3 })).toMatchObject({
        ok: false,
        problem: { code: 'balance_mismatch', accountId: victim.id },
      });
      const run = await runVerification();
      expect(run).toMatchObject({ status: 'succeeded', ok: false, report: { ok: false, problem: { code: 'balance_mismatch', accountId: victim.id } } });
    } finally {
      await testApp.database.pool.query('update ledger_account set credits_posted = credits_posted - 1 where id = $1', [victim.id]);
    }
    expect(await verifyLedger(testApp.database.pool)).toMatchObject({ ok: true });
  });

  it('are given their job again by the sweeper when Redis lost it, and then run once', async () => {
    const { ledgerVerifications } = testApp.app.services;
    // A run whose job never reached a worker: its row is queued and its outbox event counted as published,
    // while the job is nowhere (as after a Redis that lost its data). The relay is paused meanwhile.
    await relay.stop();
    const run = await ledgerVerifications.start({ type: 'system', process: 'test' });
    await testApp.database.pool.query(`update outbox set published_at = now() where aggregate_id = $1`, [run.id]);
    relay.start();
    expect(await ledgerVerifications.resumeStale(new Date())).toEqual({ resumed: [] });
    const later = new Date(Date.now() + 6 * 60_000);
    expect(await ledgerVerifications.resumeStale(later)).toEqual({ resumed: [run.id] });
    const done = await until(
      () => ledgerVerifications.find(run.id),
      (current) => current?.status === 'succeeded',
    );
    expect(done).toMatchObject({ ok: true });
    expect(await ledgerVerifications.resumeStale(later)).toEqual({ resumed: [] });
  });

  it('is redone by a redelivered job only if it did not finish', async () => {
    const run = await runVerification();
    const again = await testApp.app.services.ledgerVerifications.run(run.id);
    expect(again).toMatchObject({ id: run.id, status: 'succeeded', startedAt: new Date(run.startedAt) });
  });
});
