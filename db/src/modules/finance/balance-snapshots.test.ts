import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../ids.ts';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import { assertLedgerInvariants } from '../../testing/ledger-invariants.ts';
import { LedgerService } from '../ledger/ledger.service.ts';
import type { LedgerAccount } from '../ledger/ledger.types.ts';
import { accountTotalsUpTo } from './account-totals.ts';
import { accountTotalsAt, snapshotCut, takeBalanceSnapshots } from './balance-snapshots.ts';
import { trialBalance } from './trial-balance.ts';

let environment: TestEnvironment;
let ledger: LedgerService;
let clock = new Date('2026-03-01T08:00:00.000Z');
let world: LedgerAccount;
let wallet: LedgerAccount;
let escrow: LedgerAccount;
const times: Date[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment();
  ledger = new LedgerService(environment.database, { now: () => clock });
  world = await ledger.openAccount({ kind: 'world', currency: 'EUR' });
  wallet = await ledger.openAccount({ kind: 'shopper_wallet', currency: 'EUR', ownerId: newId() });
  escrow = await ledger.openAccount({ kind: 'escrow', currency: 'EUR' });
});
afterAll(async () => {
  await ledger.close();
  await environment.cleanup();
});

async function at(iso: string, work: () => Promise<unknown>): Promise<void> {
  clock = new Date(iso);
  times.push(clock);
  await work();
}

const pay = (amountMinor: number, extra: Record<string, unknown> = {}) =>
  ledger.record([{ id: newId(), debitAccountId: wallet.id, creditAccountId: escrow.id, amountMinor, currency: 'EUR', reason: 'order_payment', ...extra }]);

/** The snapshot way and the whole-history way must agree for every account, at every time that matters. */
async function expectSameAsFullHistory(): Promise<void> {
  const { pool } = environment.database;
  const probes = times.flatMap((time) => [new Date(time.getTime() - 1), time, new Date(time.getTime() + 1)]);
  probes.push(new Date('2026-03-02T00:00:00.000Z'), new Date('2026-03-03T00:00:00.000Z'), new Date('9999-01-01T00:00:00.000Z'));
  // The trial balance as of each time, with the snapshots and (in a transaction rolled back) without them.
  const client = await pool.connect();
  try {
    await client.query('begin');
    const withSnapshots = await Promise.all(probes.map((probe) => trialBalance(pool, probe)));
    await client.query('delete from ledger_balance_snapshot');
    for (const [index, probe] of probes.entries()) expect(withSnapshots[index], `trial balance at ${probe.toISOString()}`).toEqual(await trialBalance(client, probe));
  } finally {
    await client.query('rollback');
    client.release();
  }
  for (const account of [world, wallet, escrow]) {
    for (const probe of probes) {
      const where = `${account.kind} at ${probe.toISOString()}`;
      expect(await accountTotalsAt(pool, account.id, { createdAtOrBefore: probe }), where).toEqual(await accountTotalsUpTo(pool, account.id, { createdAtOrBefore: probe }));
      expect(await accountTotalsAt(pool, account.id, { createdBefore: probe }), where).toEqual(await accountTotalsUpTo(pool, account.id, { createdBefore: probe }));
    }
  }
}

describe('daily balance snapshots', () => {
  it('give the same balance as of any time as summing the whole history, before and after snapshots, also for a transfer committed late', async () => {
    await at('2026-03-01T08:00:00.000Z', () => ledger.record([{ id: newId(), debitAccountId: world.id, creditAccountId: wallet.id, amountMinor: 100_00, currency: 'EUR', reason: 'top_up' }]));
    await at('2026-03-01T09:00:00.000Z', () => pay(10_00));
    let hold = '';
    await at('2026-03-01T23:59:59.999Z', async () => {
      hold = (await pay(20_00, { kind: 'pending', timeoutSeconds: 0 }))[0]!.id;
    });
    await at('2026-03-02T00:00:00.000Z', () => pay(1_00));
    await at('2026-03-02T10:00:00.000Z', () => ledger.record([{ id: newId(), kind: 'post_pending', pendingId: hold, amountMinor: 15_00 }]));
    await expectSameAsFullHistory();

    expect(await takeBalanceSnapshots(environment.database.pool, new Date('2026-03-02T00:00:00.000Z'))).toEqual({ accounts: 3 });
    await expectSameAsFullHistory();

    // Created before the cut, committed after the snapshot was taken (a slow transaction): not in the
    // snapshot, so the reader must add it.
    await at('2026-03-01T23:00:00.000Z', () => pay(3_00));
    await expectSameAsFullHistory();

    await at('2026-03-02T18:00:00.000Z', () => pay(2_00, { kind: 'pending', timeoutSeconds: 0 }));
    // The next day's snapshot is built from the first one plus the day's transfers.
    expect(await takeBalanceSnapshots(environment.database.pool, new Date('2026-03-03T00:00:00.000Z'))).toEqual({ accounts: 3 });
    await at('2026-03-03T07:00:00.000Z', () => pay(4_00));
    await expectSameAsFullHistory();
    // Idempotent: the same cut again writes nothing.
    expect(await takeBalanceSnapshots(environment.database.pool, new Date('2026-03-03T00:00:00.000Z'))).toEqual({ accounts: 0 });
    await assertLedgerInvariants(environment.database);
  });

  it('reads the snapshot plus what came after it, not the history before it', async () => {
    const { pool } = environment.database;
    const asOf = { createdAtOrBefore: new Date('2026-03-03T12:00:00.000Z') };
    const before = await accountTotalsAt(pool, wallet.id, asOf);
    // A marker in the stored snapshot (not in the ledger): a reader that re-summed history would not see it.
    await pool.query(`update ledger_balance_snapshot set debits_posted = debits_posted + 7 where account_id = $1 and cut_at = '2026-03-03T00:00:00Z'`, [wallet.id]);
    try {
      expect((await accountTotalsAt(pool, wallet.id, asOf)).debitsPosted).toBe(before.debitsPosted + 7);
      // A time before that snapshot uses the one before it.
      expect(await accountTotalsAt(pool, wallet.id, { createdAtOrBefore: new Date('2026-03-02T23:00:00.000Z') })).toEqual(
        await accountTotalsUpTo(pool, wallet.id, { createdAtOrBefore: new Date('2026-03-02T23:00:00.000Z') }),
      );
    } finally {
      await pool.query(`update ledger_balance_snapshot set debits_posted = debits_posted - 7 where account_id = $1 and cut_at = '2026-03-03T00:00:00Z'`, [wallet.id]);
    }
  });

  it('cuts at the last midnight (UTC) once the margin has passed, else at the one before', () => {
    const margin = 15 * 60_000;
    expect(snapshotCut(new Date('2026-03-05T00:20:00.000Z'), margin)).toEqual(new Date('2026-03-05T00:00:00.000Z'));
    expect(snapshotCut(new Date('2026-03-05T00:10:00.000Z'), margin)).toEqual(new Date('2026-03-04T00:00:00.000Z'));
  });
});
