import type pg from 'pg';
import { assert } from '../../errors.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';

/** A sealed transfer's place in the chain. */
export interface ChainPosition {
  id: string;
  sequence: number;
  previousHash: string;
  hash: string;
}

export interface SealResult {
  /** Rows given their chain position by this call. */
  sealed: number;
  /** Their positions, in chain order. */
  positions: ChainPosition[];
}

/** Default rows per seal transaction: one statement, a few milliseconds of hashing in the database. */
export const SEAL_BATCH_LIMIT = 5_000;

/**
 * How long a seal asked for after a caller's commit waits for other commits to share its run. At the
 * checkout's 200-300 payments a second a run sealed 1.7 rows on average when each commit ran its own.
 */
export const SEAL_LINGER_MILLISECONDS = 20;

/**
 * The ledger's sealer (docs/ledger.md §4): gives committed, unsealed transfers their place in the one hash
 * chain. Writers never take the head; only this short transaction of its own does, one statement in the
 * database (`ledger_seal_chain`, Migration20261205000100_ledger_seal_in_database.ts): it locks `ledger_head`,
 * reads unsealed rows in `append_order` (a statement that starts after the lock is granted, so it sees every
 * earlier sealer's work and only committed rows), computes each row's chain hash with the formula of
 * `chainHash` (ledger-hash.ts, which the verifier recomputes for every row), writes the three chain columns
 * (the write-once trigger allows exactly that) and moves the head. Two sealers racing queue on the head and
 * the second finds nothing left of what the first sealed, so a row is never sealed twice. Outside a
 * transaction (a pool, or a client between transactions) the statement is a transaction of its own.
 */
export async function sealTransfers(queryable: Queryable, limit = SEAL_BATCH_LIMIT): Promise<SealResult> {
  assert(Number.isInteger(limit) && limit >= 1, 'a seal takes at least one row');
  const { rows } = await queryable.query<{ id: string; sequence: number; previous_hash: string; hash: string }>(
    prepared('select id, sequence, previous_hash, hash from ledger_seal_chain($1)', [limit]),
  );
  const positions = rows.map((row) => ({ id: row.id, sequence: Number(row.sequence), previousHash: row.previous_hash, hash: row.hash }));
  return { sealed: positions.length, positions };
}

/** Seals until nothing committed is left unsealed (tests, exports, the job); returns how many rows it sealed. */
export async function sealAll(pool: pg.Pool, limit = SEAL_BATCH_LIMIT): Promise<number> {
  let total = 0;
  for (;;) {
    const { sealed } = await sealTransfers(pool, limit);
    total += sealed;
    if (sealed < limit) return total;
  }
}

/** Whether any committed transfer waits for its chain position: one probe of the partial index. */
export async function hasUnsealedTransfers(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query('select 1 from ledger_transfer where sequence is null limit 1');
  return rows.length > 0;
}

/**
 * One process's door to the sealer: concurrent requests share a run, and a request made while a run is
 * under way gets the next run (which starts after it, so it seals whatever the requester committed).
 */
export class LedgerSealer {
  private current: Promise<number> | null = null;
  private next: Promise<number> | null = null;
  private lingering: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly lingerMilliseconds = SEAL_LINGER_MILLISECONDS,
  ) {
    assert(Number.isInteger(lingerMilliseconds) && lingerMilliseconds >= 0, 'a seal lingers a whole number of milliseconds');
  }

  /**
   * Asks for a seal within `lingerMilliseconds`, without waiting for it: the commits of that window share
   * one run (a run costs about half a millisecond of the database's time before its first row, a row some
   * 50 µs more).
   * A failed run is the `ledger.seal` job's to make up, within a second.
   */
  sealSoon(): void {
    if (this.lingering) return;
    this.lingering = setTimeout(() => {
      this.lingering = null;
      this.seal().catch(() => 0);
    }, this.lingerMilliseconds);
  }

  /** Seals every transfer committed before the call; resolves with the rows this run sealed. */
  seal(): Promise<number> {
    if (!this.current) {
      this.current = sealAll(this.pool, SEAL_BATCH_LIMIT).finally(() => {
        this.current = null;
      });
      return this.current;
    }
    if (!this.next) {
      this.next = this.current
        .catch(() => 0)
        .then(() => {
          this.next = null;
          return this.seal();
        });
    }
    return this.next;
  }

  /** Runs a seal asked for and still lingering, and waits for the runs under way (closing a process). */
  async idle(): Promise<void> {
    if (this.lingering) {
      clearTimeout(this.lingering);
      this.lingering = null;
      await this.seal().catch(() => 0);
    }
    while (this.current || this.next) await (this.next ?? this.current)!.catch(() => 0);
  }

  /** For readers that order by the chain: seals first, but only when something is waiting (one index probe). */
  async sealBeforeRead(): Promise<void> {
    if (await hasUnsealedTransfers(this.pool)) await this.seal();
  }
}

/**
 * For readers in other modules that order by the chain (statements, the journal and its export, balances
 * as of a time, the trial balance, an order's transfers): seals what is committed first, so they show every
 * committed transfer with its place in the chain. One index probe when nothing is waiting.
 */
export async function sealBeforeRead(pool: pg.Pool): Promise<void> {
  if (await hasUnsealedTransfers(pool)) await sealAll(pool);
}
