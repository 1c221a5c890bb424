import type pg from 'pg';

/** How long the events of a window waited from their transaction's start until the relay published them. */
export interface RelayLag {
  events: number;
  /** Rows of the window still unpublished when the wait for them ran out (counted, not in the percentiles). */
  unpublished: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/**
 * The database's clock: the outbox's `created_at` and `published_at` are its `now()`, so a window is read on it.
 * Kept as PostgreSQL's text, to the microsecond: a JavaScript Date would cut it to the millisecond, and a row
 * written in the same millisecond before a window's end would fall after it.
 */
export type DatabaseTime = string;

export async function databaseNow(pool: pg.Pool): Promise<DatabaseTime> {
  const { rows } = await pool.query<{ now: string }>('select clock_timestamp()::text as now');
  return rows[0]!.now;
}

/**
 * The relay's lag over the outbox rows created in [from, to): the time from the writing transaction's start
 * (`created_at` is its `now()`) to the publishing pass's (`published_at`). Waits up to `waitMs` for the
 * window's last rows to be published first, so a level's final passes count, not the moment it ended. A
 * load that makes the relay fall behind shows here as a growing lag, where the orders' own figures say nothing.
 */
export async function relayLag(pool: pg.Pool, from: DatabaseTime, to: DatabaseTime, waitMs = 5_000): Promise<RelayLag> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await pool.query<{ events: number; unpublished: number; p50_ms: number | null; p99_ms: number | null }>(
      `select count(*)::int as events,
              (count(*) filter (where published_at is null))::int as unpublished,
              percentile_cont(0.5) within group (order by extract(epoch from published_at - created_at) * 1000) as p50_ms,
              percentile_cont(0.99) within group (order by extract(epoch from published_at - created_at) * 1000) as p99_ms
         from outbox
        where created_at >= $1::timestamptz and created_at < $2::timestamptz`,
      [from, to],
    );
    const row = rows[0]!;
    if (row.unpublished === 0 || Date.now() >= deadline) {
      const rounded = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
      return { events: row.events, unpublished: row.unpublished, p50Ms: rounded(row.p50_ms), p99Ms: rounded(row.p99_ms) };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
