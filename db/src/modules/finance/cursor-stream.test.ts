import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import { CursorStream } from './cursor-stream.ts';

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});
afterAll(() => environment.cleanup());

const ROWS = 50_000;
const FETCH_ROWS = 500;

function numbers(counter: { rows: number } = { rows: 0 }) {
  return CursorStream.open<{ n: number }, number>(environment.database.pool, {
    sql: 'select g::int as n from generate_series(1, $1::int) g',
    params: [ROWS],
    fetchRows: FETCH_ROWS,
    toItems: (row) => {
      counter.rows += 1;
      return [row.n];
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

describe('CursorStream', () => {
  it('streams every row in order through a cursor and gives the client back', async () => {
    let expected = 1;
    let count = 0;
    await pipeline(
      await numbers(),
      new Writable({
        objectMode: true,
        write(value: number, _encoding, callback) {
          expect(value).toBe(expected);
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
    const stream = await numbers(counter);
    const stalled = new Writable({ objectMode: true, highWaterMark: 1, write: () => undefined });
    stream.pipe(stalled);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The stream's buffer and one fetch in flight at most: a few chunks, not the 50,000 rows.
    expect(counter.rows).toBeGreaterThan(0);
    expect(counter.rows).toBeLessThanOrEqual(3 * FETCH_ROWS);
    const inTransaction = await environment.database.pool.query<{ count: number }>(
      `select count(*)::int as count from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
    );
    expect(inTransaction.rows[0]!.count).toBe(1);
    stream.destroy();
    await settled();
  });

  it('fails at open on a bad query, without keeping the client', async () => {
    await expect(
      CursorStream.open(environment.database.pool, { sql: 'select * from no_such_table', params: [], fetchRows: 10, toItems: (row) => [row] }),
    ).rejects.toThrow(/no_such_table/);
    await settled();
  });
});
