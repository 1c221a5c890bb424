import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import { openSnapshotQueryStream } from './snapshot-query-stream.ts';

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});
afterAll(() => environment.cleanup());

const ROWS = 50_000;
const BATCH_SIZE = 500;

function numbers() {
  return openSnapshotQueryStream<{ n: number }>(environment.database.pool, 'select g::int as n from generate_series(1, $1::int) g', [ROWS], { batchSize: BATCH_SIZE });
}

/** Counts the rows that left the database stream. */
function counting(counter: { rows: number }): Transform {
  return new Transform({
    objectMode: true,
    highWaterMark: 1,
    transform(row: { n: number }, _encoding, callback) {
      counter.rows += 1;
      callback(null, row.n);
    },
  });
}

/** Until every client is back in the pool and no session of this database sits in an open transaction. */
async function settled(): Promise<void> {
  const { pool } = environment.database;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await pool.query<{ count: number }>(
      `select count(*)::int as count from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
    );
    if (pool.totalCount === pool.idleCount && open.rows[0]!.count === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`pool not settled: total ${pool.totalCount}, idle ${pool.idleCount}`);
}

describe('openSnapshotQueryStream (pg-query-stream in a read-only snapshot)', () => {
  it('streams every row in order and gives the client back', async () => {
    let expected = 1;
    let count = 0;
    await pipeline(
      await numbers(),
      new Writable({
        objectMode: true,
        write(row: { n: number }, _encoding, callback) {
          expect(row.n).toBe(expected);
          expected += 1;
          count += 1;
          callback();
        },
      }),
    );
    expect(count).toBe(ROWS);
    await settled();
  });

  it('stops fetching while the reader does not read (backpressure), and rolls back when destroyed', async () => {
    const counter = { rows: 0 };
    const stream = await numbers();
    const stalled = new Writable({ objectMode: true, highWaterMark: 1, write: () => undefined });
    stream.pipe(counting(counter)).pipe(stalled);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The stream's buffer and one batch in flight at most: a few batches, not the 50,000 rows.
    expect(counter.rows).toBeGreaterThan(0);
    expect(counter.rows).toBeLessThanOrEqual(3 * BATCH_SIZE);
    // The stream's session holds its transaction open (its cursor waits for the next read).
    const inTransaction = await environment.database.pool.query<{ count: number }>(
      `select count(*)::int as count from pg_stat_activity where datname = current_database() and xact_start is not null and pid <> pg_backend_pid()`,
    );
    stream.destroy();
    expect(inTransaction.rows[0]!.count).toBe(1);
    await settled();
  });

  it('reads one snapshot: rows committed after the stream opened are not in it', async () => {
    const { pool } = environment.database;
    await pool.query('create table snapshot_probe (n int)');
    await pool.query('insert into snapshot_probe select generate_series(1, 2000)');
    const stream = await openSnapshotQueryStream<{ n: number }>(pool, 'select n from snapshot_probe order by n', [], { batchSize: 100 });
    const seen: number[] = [];
    for await (const row of stream) {
      seen.push(row.n);
      // Written (and committed) by another connection while the stream is half read.
      if (row.n === 150) await pool.query('insert into snapshot_probe select generate_series(2001, 3000)');
    }
    expect(seen).toHaveLength(2000);
    expect((await pool.query<{ count: number }>('select count(*)::int as count from snapshot_probe')).rows[0]!.count).toBe(3000);
    await settled();
  });

  it('fails the stream on a bad query, without keeping the client', async () => {
    const stream = await openSnapshotQueryStream(environment.database.pool, 'select * from no_such_table', [], { batchSize: 10 });
    await expect(pipeline(stream, new Writable({ objectMode: true, write: (_row, _encoding, callback) => callback() }))).rejects.toThrow(/no_such_table/);
    await settled();
  });
});
