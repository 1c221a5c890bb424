import type pg from 'pg';

/** Anything that runs SQL: the pool itself, or one client holding a transaction open. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * Runs `work` inside one transaction on one pooled client: commits if it returns, rolls back if it
 * throws (and rethrows), and always gives the client back.
 */
export async function withPoolTransaction<Result>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<Result>): Promise<Result> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    // A client that cannot even roll back is in an unknown state: destroy it rather than reuse it.
    await client.query('rollback').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
