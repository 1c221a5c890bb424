import type pg from 'pg';

/**
 * Run after a benchmark's warm-up: gives the planner the statistics a running server has. A benchmark's
 * database is new: its order tables were empty when each pooled connection first planned the foreign key
 * checks on them, and an empty table's plan may look an order up through any index that starts with one
 * of the key's columns (here `(merchant_id, status, created_at)`), so that every check walks all of the
 * merchant's orders and each order costs more than the one before. On a server, autovacuum analyzes a
 * table once a tenth of it has changed, and the new statistics make every connection plan again (the
 * unique `(id, merchant_id)` index); this machine's PostgreSQL runs with autovacuum off (a CI setting), and
 * even with it on, the first analyze comes up to a minute after the start, longer than a benchmark's
 * levels. So the benchmark measures the steady state, not a database's first minute: it analyzes after
 * real orders went through the product in the warm-up, and again before each level, because a level at
 * least doubles the order and ledger tables (autovacuum would have analyzed them several times by then).
 * Analyzed only once, the ledger's state query kept its plan for a small `ledger_transfer`, a sequential
 * scan, through the later levels: by the 32-shopper level about 450 scans of some 4,000 rows every 10 s.
 */
export async function analyzeLikeAutovacuum(pool: pg.Pool): Promise<void> {
  await pool.query('analyze');
}
