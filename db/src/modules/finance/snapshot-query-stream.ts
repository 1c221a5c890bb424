import { finished, type Readable } from 'node:stream';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';

export interface SnapshotQueryStreamOptions {
  /** Rows fetched per round trip (the cursor's batch): the most rows held in memory at once, plus the stream's buffer. */
  batchSize: number;
}

/**
 * The rows of a query as an object stream, read through `pg-query-stream` (a server-side cursor read a
 * batch at a time, only when the consumer asks: backpressure) inside a REPEATABLE READ, READ ONLY
 * transaction, so the whole stream sees one consistent snapshot. The client goes back to the pool when
 * the stream ends (commit), fails or is destroyed (rollback), e.g. by a reader that went away.
 */
export async function openSnapshotQueryStream<Row extends pg.QueryResultRow>(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
  options: SnapshotQueryStreamOptions,
): Promise<Readable & AsyncIterable<Row>> {
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
  } catch (error) {
    client.release(true);
    throw error;
  }
  const rows = client.query(new QueryStream(sql, params, { batchSize: options.batchSize, highWaterMark: options.batchSize }));
  let released = false;
  finished(rows, (error) => {
    if (released) return;
    released = true;
    // pg queues this behind the cursor's own close, so the transaction ends before the release.
    client.query(error ? 'rollback' : 'commit').then(
      () => client.release(),
      () => client.release(true),
    );
  });
  return rows as Readable & AsyncIterable<Row>;
}
