import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../ids.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import { assertLedgerInvariants } from '../../testing/ledger-invariants.ts';
import { LEDGER_TRANSFER_UNSEALED_COLUMNS } from '../../migrations/Migration20261206000200_ledger_write_once_when.ts';
import { LedgerSealer, sealAll, sealTransfers } from './ledger-sealer.ts';
import { chainHash } from './ledger-hash.ts';
import { verifyLedger } from './ledger-verify.ts';
import { LedgerService } from './ledger.service.ts';
import { fundedWallet, ManualClock, payment } from './ledger.test-support.ts';
import type { LedgerAccount, TransferInput } from './ledger.types.ts';

let environment: TestEnvironment;
let ledger: LedgerService;
let escrow: LedgerAccount;

beforeAll(async () => {
  environment = await createTestEnvironment({ DATABASE_POOL_MAX: '24' });
  ledger = new LedgerService(environment.database, { now: new ManualClock().now });
  escrow = await ledger.openAccount({ kind: 'escrow', currency: 'EUR' });
});
afterEach(() => assertLedgerInvariants(environment.database));
afterAll(async () => {
  await ledger.close();
  await environment.cleanup();
});

function pool(): pg.Pool {
  return environment.database.pool;
}

/**
 * A caller's own transaction that is NOT run by withPoolTransaction, so nothing asks the sealer after its
 * commit: its transfers stay unsealed until a sealer runs (as when an API process dies right after COMMIT).
 */
async function commitWithoutSealing(service: LedgerService, transfers: TransferInput[]): Promise<void> {
  const client = await pool().connect();
  try {
    await client.query('begin');
    await service.recordInTransaction(client, transfers);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

async function unsealedCount(): Promise<number> {
  return (await pool().query<{ count: number }>('select count(*)::int as count from ledger_transfer where sequence is null')).rows[0]!.count;
}

async function chainShape(): Promise<{ transfers: number; sealed: number; distinctSequences: number; maxSequence: number; headSequence: number }> {
  const { rows } = await pool().query(
    `select count(*)::int as transfers, count(sequence)::int as sealed, count(distinct sequence)::int as "distinctSequences",
            coalesce(max(sequence), 0)::int as "maxSequence", (select last_sequence from ledger_head)::int as "headSequence"
       from ledger_transfer`,
  );
  return rows[0];
}

describe('the sealer', () => {
  it("computes in the database the very hash anyone recomputes from an export (chainHash), at every millisecond edge", async () => {
    const wallet = await fundedWallet(ledger, 10_000);
    // Creation times the writer takes from its clock: the turn of a second, of a year, odd milliseconds.
    const instants = ['2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00.000Z', '2027-01-01T00:00:00.001Z', '2027-03-04T05:06:07.089Z', '2027-03-04T05:06:07.900Z'];
    const ids: string[] = [];
    for (const instant of instants) {
      const writer = new LedgerService(environment.database, { now: () => new Date(instant) });
      const transfer = payment(wallet, escrow, 7);
      await commitWithoutSealing(writer, [transfer]);
      await writer.close();
      ids.push(transfer.id);
    }
    const { positions } = await sealTransfers(pool(), 5_000);
    expect(positions.map((position) => position.id).filter((id) => ids.includes(id))).toEqual(ids);
    const { rows } = await pool().query<{ id: string; sequence: number; previous_hash: string; hash: string; body_hash: string; created_at: Date }>(
      'select id, sequence, previous_hash, hash, body_hash, created_at from ledger_transfer where id = any($1::uuid[]) order by sequence',
      [ids],
    );
    expect(rows.map((row) => row.created_at.toISOString())).toEqual(instants);
    for (const row of rows) {
      expect(row.hash).toBe(chainHash(row.previous_hash, row.sequence, row.created_at, row.body_hash));
      expect(positions.find((position) => position.id === row.id)).toEqual({ id: row.id, sequence: row.sequence, previousHash: row.previous_hash, hash: row.hash });
    }
    expect(await unsealedCount()).toBe(0);
  });

  it('seals every transfer exactly once while writers commit and three sealers run at the same time', async () => {
    const wallets = await Promise.all(Array.from({ length: 8 }, () => fundedWallet(ledger, 10_000)));
    const merchants = await Promise.all(Array.from({ length: 4 }, () => ledger.openAccount({ kind: 'merchant_available', currency: 'EUR', ownerId: newId() })));
    const writers = Array.from({ length: 4 }, () => new LedgerService(environment.database));
    let writing = true;
    const sealers = Array.from({ length: 3 }, async () => {
      let sealed = 0;
      while (writing) {
        const run = await sealTransfers(pool(), 7);
        sealed += run.sealed;
        if (!run.sealed) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return sealed;
    });
    const rounds = Array.from({ length: 24 }, async (_, index) => {
      const wallet = wallets[index % wallets.length]!;
      const merchant = merchants[index % merchants.length]!;
      for (let round = 0; round < 5; round += 1) {
        const transfers = [payment(wallet, merchant, 10, { linked: true }), payment(wallet, escrow, 5)];
        if (index % 3 === 0) await ledger.record(transfers);
        else if (index % 3 === 1) await commitWithoutSealing(writers[index % writers.length]!, transfers);
        else await withPoolTransaction(pool(), (client) => writers[index % writers.length]!.recordInTransaction(client, transfers));
      }
    });
    await Promise.all(rounds);
    writing = false;
    const sealedBySealers = (await Promise.all(sealers)).reduce((sum, count) => sum + count, 0);
    await sealAll(pool());
    await Promise.all(writers.map((writer) => writer.close()));

    expect(await unsealedCount()).toBe(0);
    const shape = await chainShape();
    // Every row has a place, no place is given twice, no place is skipped, and the head is the last one.
    expect(shape).toEqual({ transfers: shape.transfers, sealed: shape.transfers, distinctSequences: shape.transfers, maxSequence: shape.transfers, headSequence: shape.transfers });
    expect(sealedBySealers).toBeGreaterThan(0);
    expect(await ledger.verify()).toMatchObject({ ok: true, lastSequence: shape.transfers });
  });

  it('gives each row one place when two sealers race, and the database refuses a second sealing', async () => {
    const wallet = await fundedWallet(ledger, 1_000);
    await sealAll(pool());
    for (let index = 0; index < 6; index += 1) await commitWithoutSealing(ledger, [payment(wallet, escrow, 10), payment(wallet, escrow, 1)]);
    expect(await unsealedCount()).toBe(12);
    const { last_sequence: headBefore } = (await pool().query<{ last_sequence: number }>('select last_sequence from ledger_head')).rows[0]!;

    const [first, second] = await Promise.all([sealTransfers(pool(), 5), sealTransfers(pool(), 5)]);
    const rest = await sealAll(pool());
    expect(first.sealed + second.sealed + rest).toBe(12);
    expect(await unsealedCount()).toBe(0);
    const { rows } = await pool().query<{ sequence: number }>('select sequence from ledger_transfer where sequence > $1 order by sequence', [headBefore]);
    expect(rows.map((row) => row.sequence)).toEqual(Array.from({ length: 12 }, (_, index) => headBefore + index + 1));

    // Write-once: a sealed row's chain columns cannot be filled in again, and nothing else of any row changes.
    const [sealed] = (await pool().query<{ id: string }>('select id from ledger_transfer where sequence = $1', [headBefore + 1])).rows;
    await expect(pool().query(`update ledger_transfer set sequence = sequence + 1000, hash = hash, previous_hash = previous_hash where id = $1`, [sealed!.id])).rejects.toThrow(/append-only/);
    await commitWithoutSealing(ledger, [payment(wallet, escrow, 3)]);
    await expect(pool().query(`update ledger_transfer set amount_minor = 1 where sequence is null`)).rejects.toThrow(/append-only/);
    await expect(
      pool().query(`update ledger_transfer set sequence = 999999, previous_hash = repeat('0', 64), hash = repeat('0', 64), amount_minor = 1 where sequence is null`),
    ).rejects.toThrow(/append-only/);
    await sealAll(pool());
  });

  it("lets its write through by the write-once trigger's condition, which names every column of the table but the chain's three", async () => {
    const { rows } = await pool().query<{ column_name: string }>(
      `select column_name from information_schema.columns
        where table_name = 'ledger_transfer' and column_name not in ('sequence', 'previous_hash', 'hash') order by column_name`,
    );
    expect([...LEDGER_TRANSFER_UNSEALED_COLUMNS].sort()).toEqual(rows.map((row) => row.column_name));
  });

  it('keeps a primary-key plan for its write, even one planned once for every call (the API pool forces generic plans)', async () => {
    const wallet = await fundedWallet(ledger, 1_000);
    await sealAll(pool());
    const client = await pool().connect();
    const plans: string[] = [];
    const onNotice = (notice: { message?: string }) => {
      if (notice.message?.includes('Update on ledger_transfer')) plans.push(notice.message);
    };
    client.on('notice', onNotice);
    try {
      // auto_explain reports the plan of every statement the function runs; seven calls pass the five custom plans.
      await client.query(`load 'auto_explain'`);
      await client.query('set plan_cache_mode = force_generic_plan; set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice');
      for (let call = 0; call < 7; call += 1) {
        await commitWithoutSealing(ledger, [payment(wallet, escrow, 1), payment(wallet, escrow, 2)]);
        expect((await sealTransfers(client)).sealed).toBe(2);
      }
    } finally {
      client.off('notice', onNotice);
      client.release(true);
    }
    expect(plans).toHaveLength(7);
    for (const plan of plans) {
      // The static statement (its arrays are the function's variables), not one run through EXECUTE.
      expect(plan).toContain('from unnest(sealed_ids, sealed_sequences, sealed_previous_hashes, sealed_hashes)');
      expect(plan).toMatch(/Nested Loop[\s\S]*Index Scan using ledger_transfer_pkey/);
      expect(plan).not.toMatch(/Seq Scan|Hash Join|Merge Join|unsealed_index/);
    }
  });

  it('answers submit with the sealed place in the chain, and seals a caller transaction soon after its commit', async () => {
    const wallet = await fundedWallet(ledger, 100);
    const [recorded] = await ledger.record([payment(wallet, escrow, 10)]);
    expect(recorded).toMatchObject({ sequence: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), previousHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const [inTransaction] = await withPoolTransaction(pool(), (client) => ledger.recordInTransaction(client, [payment(wallet, escrow, 10)]));
    expect(inTransaction).toMatchObject({ sequence: null, hash: null });
    await expect.poll(async () => (await ledger.getTransferById(inTransaction!.id))?.sequence, { timeout: 5_000 }).toEqual(expect.any(Number));
  });

  it('lets the commits of one linger share a run that nobody waits for, and runs a lingering seal when the process closes', async () => {
    const wallet = await fundedWallet(ledger, 100);
    const unsealedOf = async (ids: string[]) =>
      (await pool().query<{ count: number }>('select count(*)::int as count from ledger_transfer where id = any($1::uuid[]) and sequence is null', [ids])).rows[0]!.count;

    const lingering = new LedgerSealer(pool(), 300);
    const first = [payment(wallet, escrow, 1), payment(wallet, escrow, 2)];
    for (const transfer of first) {
      await commitWithoutSealing(ledger, [transfer]);
      lingering.sealSoon();
    }
    // Asked twice, run once the linger is over: nothing is sealed yet, then both are.
    expect(await unsealedOf(first.map((transfer) => transfer.id))).toBe(2);
    await expect.poll(() => unsealedOf(first.map((transfer) => transfer.id)), { timeout: 5_000, interval: 50 }).toBe(0);

    const closing = new LedgerSealer(pool(), 60_000);
    const last = payment(wallet, escrow, 3);
    await commitWithoutSealing(ledger, [last]);
    closing.sealSoon();
    expect(await unsealedOf([last.id])).toBe(1);
    await closing.idle();
    expect(await unsealedOf([last.id])).toBe(0);
  });
});

describe('the verifier and the unsealed tail', () => {
  it('finds a transfer left unsealed too long, and is clean once the sealer ran', async () => {
    await sealAll(pool());
    const wallet = await fundedWallet(ledger, 100);
    // A writer whose clock says two minutes ago: its row is "committed two minutes ago" and never sealed.
    const stale = new LedgerService(environment.database, { now: () => new Date(Date.now() - 120_000) });
    const transfer = payment(wallet, escrow, 25);
    await commitWithoutSealing(stale, [transfer]);
    await stale.close();

    expect(await verifyLedger(pool(), { sealMaxLagSeconds: 60 })).toMatchObject({ ok: false, problem: { code: 'unsealed_too_long', transferId: transfer.id } });
    // The unsealed row is committed money: it already counts in the balances the verifier checks.
    expect((await ledger.getAccountById(wallet.id))!.balanceMinor).toBe(75);
    expect(await sealAll(pool())).toBe(1);
    expect(await verifyLedger(pool(), { sealMaxLagSeconds: 60 })).toMatchObject({ ok: true });
  });

  it("answers every transfer with its chain position as the row holds it, when another process's sealer placed it", async () => {
    const wallet = await fundedWallet(ledger, 10_000);
    const other = new LedgerService(environment.database);
    try {
      const answered = (await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 ? ledger : other).record([payment(wallet, escrow, 5)])))).flat();
      const { rows } = await pool().query('select id, sequence, previous_hash as "previousHash", hash from ledger_transfer where id = any($1::uuid[]) order by sequence', [
        answered.map((transfer) => transfer.id),
      ]);
      expect(rows).toHaveLength(40);
      const answers = new Map(answered.map((transfer) => [transfer.id, { id: transfer.id, sequence: transfer.sequence, previousHash: transfer.previousHash, hash: transfer.hash }]));
      expect(rows.map((row) => answers.get(row.id))).toEqual(rows);
    } finally {
      await other.close();
    }
  });

  it('is clean with a young unsealed tail, and still finds a tampered sealed row', async () => {
    const wallet = await fundedWallet(ledger, 500);
    const [victim] = await ledger.record([payment(wallet, escrow, 50)]);
    await commitWithoutSealing(ledger, [payment(wallet, escrow, 5)]);
    expect(await unsealedCount()).toBe(1);
    expect(await ledger.verify()).toMatchObject({ ok: true });

    const client = await pool().connect();
    try {
      await client.query('alter table ledger_transfer disable trigger ledger_transfer_append_only');
      await client.query('update ledger_transfer set amount_minor = 51 where id = $1', [victim!.id]);
      expect(await ledger.verify()).toMatchObject({ ok: false, problem: { code: 'body_hash_mismatch', transferId: victim!.id, sequence: victim!.sequence } });
      await client.query('update ledger_transfer set amount_minor = 50, hash = $2 where id = $1', [victim!.id, 'e'.repeat(64)]);
      expect(await ledger.verify()).toMatchObject({ ok: false, problem: { code: 'hash_mismatch', transferId: victim!.id } });
      await client.query('update ledger_transfer set hash = $2 where id = $1', [victim!.id, victim!.hash]);
    } finally {
      await client.query('alter table ledger_transfer enable trigger ledger_transfer_append_only');
      client.release();
    }
    await sealAll(pool());
    expect(await ledger.verify()).toMatchObject({ ok: true });
  });
});

describe('no global lock', () => {
  it('lets a payment between other accounts commit while a transaction holds its own accounts open, and queues the one that shares an account', async () => {
    const [alice, bob] = await Promise.all([fundedWallet(ledger, 1_000), fundedWallet(ledger, 1_000)]);
    const shopA = await ledger.openAccount({ kind: 'merchant_available', currency: 'EUR', ownerId: newId() });
    const shopB = await ledger.openAccount({ kind: 'merchant_available', currency: 'EUR', ownerId: newId() });
    const held = await pool().connect();
    try {
      await held.query('begin');
      await ledger.recordInTransaction(held, [payment(alice, shopA, 100)]);

      // Unrelated accounts: commits at once although the first transaction is still open.
      const unrelated = withPoolTransaction(pool(), (client) => ledger.recordInTransaction(client, [payment(bob, shopB, 200)]));
      const outcome = await Promise.race([unrelated.then(() => 'committed'), new Promise((resolve) => setTimeout(() => resolve('blocked'), 5_000))]);
      expect(outcome).toBe('committed');
      expect((await ledger.getAccountById(shopB.id))!.balanceMinor).toBe(200);

      // Sharing Alice's wallet: waits for the first transaction, then sees its effect (never below zero).
      let sharedDone = false;
      const shared = withPoolTransaction(pool(), (client) => ledger.recordInTransaction(client, [payment(alice, shopB, 900)])).finally(() => {
        sharedDone = true;
      });
      const sharedOutcome = shared.then(
        () => 'created',
        (error: { code?: string }) => error.code,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sharedDone).toBe(false);
      await held.query('commit');
      expect(await sharedOutcome).toBe('created');
    } finally {
      await held.query('rollback').catch(() => undefined);
      held.release();
    }
    expect((await ledger.getAccountById(alice.id))!.balanceMinor).toBe(0);
  });
});
