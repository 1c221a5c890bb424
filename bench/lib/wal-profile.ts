import type pg from 'pg';

/**
 * What a benchmark's work wrote to PostgreSQL's WAL, record by record: each record type (a heap insert, a row
 * lock, an index entry, a MultiXact, a commit) and the relation it touched, per unit of work (a paid order).
 * The WAL is the one account of every write the database made, whatever statement, trigger or foreign-key check
 * made it, and unlike CPU time it hardly moves with the machine's noise: an index that guards nothing, or a
 * lock nobody needs, shows as a record per order that a change removes.
 *
 * Read with `pg_walinspect` (PostgreSQL 15's contrib, in Debian's server package) from the benchmark's own
 * throwaway database: creating the extension there needs a superuser, which the benchmarks' local server gives.
 * Where it is missing, or the WAL of the window was already recycled by a checkpoint, there is no profile (null)
 * and the benchmark says why.
 */
export interface WalProfile {
  orders: number;
  bytesPerOrder: number;
  recordsPerOrder: number;
  /** The record types and relations with the most records, most first: `relation` is '' for records of no relation (a commit). */
  records: { record: string; relation: string; perOrder: number }[];
}

export interface WalRecordCount {
  record: string;
  relation: string;
  count: number;
}

/** How many (record, relation) rows a profile keeps. */
const RECORDS_KEPT = 25;

export function summariseWalRecords(rows: WalRecordCount[], orders: number, bytes: number): WalProfile {
  if (!Number.isInteger(orders) || orders <= 0) throw new Error(`a WAL profile needs a positive number of orders, got ${orders}`);
  const perOrder = (count: number) => Math.round((count / orders) * 100) / 100;
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  return {
    orders,
    bytesPerOrder: Math.round(bytes / orders),
    recordsPerOrder: perOrder(total),
    records: [...rows]
      .sort((left, right) => right.count - left.count || left.record.localeCompare(right.record) || left.relation.localeCompare(right.relation))
      .slice(0, RECORDS_KEPT)
      .map((row) => ({ record: row.record, relation: row.relation, perOrder: perOrder(row.count) })),
  };
}

/**
 * Records between two WAL positions, counted by type and relation. A block reference names its relation by file
 * node (`rel <tablespace>/<database>/<file node>`); pg_filenode_relation turns it back into a name in this
 * database (the default tablespace is 0 there). A record of another database, or of a relation gone since,
 * counts under 'another database or a dropped relation'.
 */
const RECORDS_SQL = `
  with records as (
    select resource_manager || '/' || record_type as record,
           substring(block_ref from 'rel \\d+/(\\d+)/\\d+')::oid as database_oid,
           substring(block_ref from 'rel \\d+/\\d+/(\\d+)')::oid as file_node
      from pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn))
  select record,
         case when file_node is null then ''
              else coalesce(case when database_oid = (select oid from pg_database where datname = current_database())
                                 then pg_filenode_relation(0, file_node)::text end,
                            'another database or a dropped relation') end as relation,
         count(*)::int as count
    from records group by 1, 2`;

/** Where PostgreSQL's write-ahead log stands now. */
export async function walPosition(pool: pg.Pool): Promise<string> {
  return (await pool.query<{ position: string }>('select pg_current_wal_lsn()::text as position')).rows[0]!.position;
}

/** The WAL the whole server wrote since `position`, in bytes. */
export async function walBytesSince(pool: pg.Pool, position: string): Promise<number> {
  return Number((await pool.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text as bytes', [position])).rows[0]!.bytes);
}

export interface WalRecording {
  /** The profile of the WAL written since the start, or why there is none. */
  stop(orders: number): Promise<{ profile: WalProfile | null; reason?: string }>;
}

/** Starts counting from the WAL's current end; where pg_walinspect cannot be had, `stop` answers why. */
export async function startWalProfile(pool: pg.Pool): Promise<WalRecording> {
  try {
    await pool.query('create extension if not exists pg_walinspect');
  } catch (error) {
    const reason = `pg_walinspect is not available here (${(error as Error).message})`;
    return { stop: async () => ({ profile: null, reason }) };
  }
  const startPosition = await walPosition(pool);
  return {
    async stop(orders) {
      // The last record written may still be in flight; the profile ends at the last flushed position.
      const { rows: [end] } = await pool.query<{ lsn: string; bytes: string }>(
        'select pg_current_wal_flush_lsn()::text as lsn, pg_wal_lsn_diff(pg_current_wal_flush_lsn(), $1::pg_lsn)::text as bytes',
        [startPosition],
      );
      try {
        const { rows } = await pool.query<WalRecordCount>(RECORDS_SQL, [startPosition, end!.lsn]);
        return { profile: summariseWalRecords(rows, orders, Number(end!.bytes)) };
      } catch (error) {
        // A checkpoint during the window may have recycled its first segments.
        return { profile: null, reason: (error as Error).message };
      }
    },
  };
}
