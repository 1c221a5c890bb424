import type { FastifyInstance } from 'fastify';

/** Table -> its rows as JSON, each table in a stable order. */
export type DatabaseSnapshot = Record<string, unknown[]>;

export interface SnapshotOptions {
  /**
   * Columns left out, per table: bookkeeping that a refused request may legitimately touch, such as
   * `api_key.last_used_at`, which every request made with a key updates.
   */
  ignoreColumns?: Record<string, readonly string[]>;
}

/** Migration bookkeeping, not data. */
const SKIPPED_TABLES = new Set(['mikro_orm_migrations']);

async function tableNames(app: FastifyInstance): Promise<string[]> {
  const { rows } = await app.database.pool.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  return rows.map((row) => row.name).filter((name) => !SKIPPED_TABLES.has(name));
}

/**
 * Every row of every table of the test database. Tables are discovered at each call, so a module added
 * later is covered without touching the tests; what "bad input changes nothing" and "another tenant
 * changes nothing" compare. Test databases are small, so a whole snapshot costs milliseconds.
 */
export async function snapshotDatabase(app: FastifyInstance, options: SnapshotOptions = {}): Promise<DatabaseSnapshot> {
  const snapshot: DatabaseSnapshot = {};
  for (const table of await tableNames(app)) {
    const ignored = options.ignoreColumns?.[table] ?? [];
    const row = ignored.length ? `(to_jsonb(t) - $1::text[])` : `to_jsonb(t)`;
    const { rows } = await app.database.pool.query<{ rows: unknown[] }>(
      `select coalesce(jsonb_agg(${row} order by ${row}::text), '[]'::jsonb) as rows from "${table}" t`,
      ignored.length ? [ignored] : [],
    );
    snapshot[table] = rows[0]?.rows ?? [];
  }
  return snapshot;
}

/** How many rows each table holds that belong to a merchant: proof that a snapshot has something to protect. */
export async function merchantRowCounts(app: FastifyInstance, merchantId: string): Promise<Record<string, number>> {
  const { rows: tables } = await app.database.pool.query<{ name: string }>(
    `select table_name as name from information_schema.columns where table_schema = 'public' and column_name = 'merchant_id' order by table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await app.database.pool.query<{ count: number }>(`select count(*)::int as count from "${name}" where merchant_id = $1`, [merchantId]);
    counts[name] = rows[0]?.count ?? 0;
  }
  return counts;
}
