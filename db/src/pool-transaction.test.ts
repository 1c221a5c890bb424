import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commitBehind, StatementBatchingClient, withPoolTransaction } from './pool-transaction.ts';
import { createTestEnvironment, type TestEnvironment } from './testing/databases.ts';

let environment: TestEnvironment;
/** One connection, so that every transaction below runs on the connection the one before it left behind. */
let pool: pg.Pool;

beforeAll(async () => {
  environment = await createTestEnvironment();
  pool = new pg.Pool({ connectionString: environment.config.database.url, max: 1, Client: StatementBatchingClient });
  await pool.query('create table probe (id int primary key, note text not null)');
});
afterAll(async () => {
  await pool?.end();
  await environment?.cleanup();
});
beforeEach(async () => {
  await pool.query('delete from probe');
  await pool.query(`insert into probe (id, note) values (1, 'first')`);
});

async function notes(): Promise<string[]> {
  return (await pool.query<{ note: string }>('select note from probe order by id')).rows.map((row) => row.note);
}

/** True when the pool's connection is not inside a transaction left open (a statement of its own starts one). */
async function outsideTransaction(): Promise<boolean> {
  return (await pool.query<{ fresh: boolean }>('select now() = statement_timestamp() as fresh')).rows[0]!.fresh;
}

describe('StatementBatchingClient', () => {
  it('writes the statements a transaction issues in one tick in one socket write', async () => {
    // The socket's own write calls, each a system call: one per chunk written alone, one per batch of corked chunks.
    const messagesPerWrite: number[] = [];
    const connected = await pool.connect();
    type Write = (...parameters: unknown[]) => unknown;
    const socket = (connected as unknown as { connection: { stream: { _write: Write; _writev: Write } } }).connection.stream;
    const { _write: writeOne, _writev: writeMany } = socket;
    socket._write = function (...parameters: unknown[]) {
      messagesPerWrite.push(1);
      return writeOne.apply(this, parameters);
    };
    socket._writev = function (...parameters: unknown[]) {
      messagesPerWrite.push((parameters[0] as unknown[]).length);
      return writeMany.apply(this, parameters);
    };
    connected.release();

    try {
      const notes = await withPoolTransaction(pool, async (client) => {
        // `begin` and these two leave together; after the await, the third and the commit.
        const [first, second] = await Promise.all([client.query<{ note: string }>('select note from probe where id = 1'), client.query(`update probe set note = 'batched' where id = 1`)]);
        expect(second.rowCount).toBe(1);
        const third = client.query<{ note: string }>('select note from probe where id = 1');
        commitBehind(client);
        return [first.rows[0]!.note, (await third).rows[0]!.note];
      });
      expect(notes).toEqual(['first', 'batched']);
      expect(messagesPerWrite).toHaveLength(2);
      // A simple-protocol statement is one message; each parameterless extended one is four or more.
      expect(messagesPerWrite[0]).toBeGreaterThanOrEqual(3);
      expect(messagesPerWrite[1]).toBeGreaterThanOrEqual(2);
    } finally {
      Reflect.deleteProperty(socket, '_write');
      Reflect.deleteProperty(socket, '_writev');
    }
  });

  it('answers statements queued outside pipeline mode one after another', async () => {
    const client = await pool.connect();
    try {
      const results = await Promise.all([client.query('select 1 as one'), client.query('select 2 as two')]);
      expect(results.map((result) => result.rows[0])).toEqual([{ one: 1 }, { two: 2 }]);
    } finally {
      client.release();
    }
  });
});

describe('commitBehind', () => {
  it('commits the statements sent before it, in their round trip, and answers what they returned', async () => {
    const result = await withPoolTransaction(pool, async (client) => {
      await client.query(`update probe set note = 'changed' where id = 1`);
      const inserted = client.query<{ id: number }>(`insert into probe (id, note) values (2, 'second') returning id`);
      commitBehind(client);
      return (await inserted).rows[0]!.id;
    });
    expect(result).toBe(2);
    expect(await notes()).toEqual(['changed', 'second']);
    expect(await outsideTransaction()).toBe(true);
  });

  it('rolls everything back when a statement sent before it fails, and throws that statement\'s error', async () => {
    const run = withPoolTransaction(pool, async (client) => {
      await client.query(`update probe set note = 'changed' where id = 1`);
      const duplicate = client.query(`insert into probe (id, note) values (1, 'again')`);
      commitBehind(client);
      await duplicate;
    });
    await expect(run).rejects.toMatchObject({ code: '23505' });
    expect(await notes()).toEqual(['first']);
    expect(await outsideTransaction()).toBe(true);
  });

  it('lets work refuse after it when the last write matched nothing, leaving the connection reusable', async () => {
    const run = withPoolTransaction(pool, async (client) => {
      const written = client.query(`update probe set note = 'changed' where id = 1 and note = 'never'`);
      commitBehind(client);
      if ((await written).rowCount === 0) throw new Error('refused: nothing matched');
    });
    await expect(run).rejects.toThrow('refused: nothing matched');
    expect(await notes()).toEqual(['first']);
    expect(await outsideTransaction()).toBe(true);
  });

  it('fails loudly, keeping nothing, when work returns without awaiting a statement that failed', async () => {
    const run = withPoolTransaction(pool, async (client) => {
      await client.query(`update probe set note = 'changed' where id = 1`);
      client.query(`insert into probe (id, note) values (1, 'again')`).catch(() => undefined);
      commitBehind(client);
      return 'done';
    });
    await expect(run).rejects.toThrow('Invariant violated: a transaction whose work succeeded commits');
    expect(await notes()).toEqual(['first']);
    expect(await outsideTransaction()).toBe(true);
  });

  it('refuses a second commit in one transaction', async () => {
    const run = withPoolTransaction(pool, async (client) => {
      commitBehind(client);
      commitBehind(client);
    });
    await expect(run).rejects.toThrow('Invariant violated: a transaction commits once');
    expect(await outsideTransaction()).toBe(true);
  });

  it('leaves the next transaction on the same connection to commit on its own', async () => {
    await withPoolTransaction(pool, async (client) => {
      const written = client.query(`update probe set note = 'early' where id = 1`);
      commitBehind(client);
      await written;
    });
    await withPoolTransaction(pool, async (client) => {
      await client.query(`update probe set note = 'late' where id = 1`);
    });
    expect(await notes()).toEqual(['late']);
  });
});
