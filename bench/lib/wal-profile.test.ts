import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from '../../db/src/testing/databases.ts';
import { startWalProfile, summariseWalRecords } from './wal-profile.ts';

describe('summariseWalRecords', () => {
  it('counts records per order, most first, and keeps the total over every row', () => {
    const profile = summariseWalRecords(
      [
        { record: 'Heap/LOCK', relation: 'merchant', count: 30 },
        { record: 'Btree/INSERT_LEAF', relation: 'shop_order_pkey', count: 20 },
        { record: 'Transaction/COMMIT', relation: '', count: 60 },
      ],
      20,
      220_000,
    );
    expect(profile).toEqual({
      orders: 20,
      bytesPerOrder: 11_000,
      recordsPerOrder: 5.5,
      records: [
        { record: 'Transaction/COMMIT', relation: '', perOrder: 3 },
        { record: 'Heap/LOCK', relation: 'merchant', perOrder: 1.5 },
        { record: 'Btree/INSERT_LEAF', relation: 'shop_order_pkey', perOrder: 1 },
      ],
    });
  });

  it('refuses a profile of no orders', () => {
    expect(() => summariseWalRecords([], 0, 0)).toThrow(/positive number of orders/);
  });
});

describe('startWalProfile', () => {
  let environment: TestEnvironment;
  beforeAll(async () => {
    environment = await createTestEnvironment();
  });
  afterAll(async () => {
    await environment?.cleanup();
  });

  it("names each record's relation in this database: ten inserts are ten heap inserts and ten primary-key entries", async () => {
    const { pool } = environment.database;
    await pool.query('create table wal_profile_probe (id int primary key, note text)');
    const recording = await startWalProfile(pool);
    for (let id = 1; id <= 10; id += 1) await pool.query('insert into wal_profile_probe (id, note) values ($1, $2)', [id, `row ${id}`]);
    const { profile, reason } = await recording.stop(10);
    // pg_walinspect was there and the window's WAL was read: no reason for a missing profile.
    expect(reason).toBeUndefined();
    const perOrder = (record: string, relation: string) => profile!.records.find((row) => row.record === record && row.relation === relation)?.perOrder;
    // The first row starts the table's first page (INSERT+INIT), the others go onto it.
    expect((perOrder('Heap/INSERT', 'wal_profile_probe') ?? 0) + (perOrder('Heap/INSERT+INIT', 'wal_profile_probe') ?? 0)).toBe(1);
    expect(perOrder('Btree/INSERT_LEAF', 'wal_profile_probe_pkey')).toBe(1);
    // Each insert committed on its own: a commit record per insert, of no relation.
    expect(perOrder('Transaction/COMMIT', '')).toBeGreaterThanOrEqual(1);
    expect(profile!.bytesPerOrder).toBeGreaterThan(0);
  });
});
