import type pg from 'pg';
import { assert } from '../../errors.ts';
import { setPipelineMode } from '../../pool-transaction.ts';
import { SEAL_BATCH_LIMIT, sealTransfers, type ChainPosition, type LedgerSealer } from './ledger-sealer.ts';
import { lockAndDecide } from './ledger-store.ts';
import type { LedgerTransfer, TransferInput, TransferResult } from './ledger.types.ts';

/** A committed batch: its results, and the positions its own seal gave (null if that seal did not run or failed). */
interface AppliedBatch {
  results: TransferResult[];
  sealed: ChainPosition[] | null;
}

interface Submission {
  transfers: readonly TransferInput[];
  resolve(results: TransferResult[]): void;
  reject(error: unknown): void;
}

export interface LedgerWriterOptions {
  /** Most transfers in one transaction. */
  maxBatchTransfers: number;
  /** How long an idle writer waits for company before it starts a batch; 0 = the next turn of the event loop. */
  lingerMs: number;
  /**
   * Most batches in flight at once. One batch alone leaves the database idle while the API's event loop
   * gets round to its next statement; a second overlaps its round trips with the first's. Batches that
   * share an account still apply one after the other (its row lock), and never deadlock (both lock in id order).
   */
  maxConcurrentBatches: number;
  now(): Date;
}

/** PostgreSQL's unique_violation: two writers raced with the same new transfer id (or resolved one pending twice). */
const UNIQUE_VIOLATION = '23505';

/**
 * The process's ledger writer. Concurrent submissions queue here and are applied together in one
 * transaction while earlier batches run (at most `maxConcurrentBatches`), so a hot account costs one row
 * update per batch. Each batch's seal (its chain positions assigned, ledger-sealer.ts) is sent behind its
 * commit, in the same round trip, and answers before its callers hear back, so `submit` answers with
 * `sequence` and `hash`. Each submission keeps its own results; linked chains never cross submissions (the
 * engine refuses an open chain at the end of one).
 */
export class LedgerWriter {
  private queue: Submission[] = [];
  private batchesInFlight = 0;
  private scheduled = false;
  private closed = false;
  /** Batches whose callers are not answered yet (counted, not kept: a Set added to and deleted from per batch churns its table in the old generation). */
  private finishing = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly sealer: LedgerSealer,
    private readonly options: LedgerWriterOptions,
  ) {}

  submit(transfers: readonly TransferInput[]): Promise<TransferResult[]> {
    if (this.closed) return Promise.reject(new Error('The ledger writer is closed.'));
    if (transfers.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ transfers, resolve, reject });
      this.schedule();
    });
  }

  /** Waits for everything queued so far; later submissions are refused. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.batchesInFlight || this.queue.length || this.finishing) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  private schedule(): void {
    if (this.batchesInFlight >= this.options.maxConcurrentBatches || this.scheduled) return;
    this.scheduled = true;
    const start = () => {
      this.scheduled = false;
      this.drain();
    };
    if (this.options.lingerMs > 0) setTimeout(start, this.options.lingerMs);
    else setImmediate(start);
  }

  private takeBatch(): Submission[] {
    const batch: Submission[] = [];
    let count = 0;
    while (this.queue.length) {
      const next = this.queue[0]!;
      if (batch.length && count + next.transfers.length > this.options.maxBatchTransfers) break;
      batch.push(this.queue.shift()!);
      count += next.transfers.length;
    }
    return batch;
  }

  /** Starts batches from the queue while fewer than `maxConcurrentBatches` are in flight; each start again when it ends. */
  private drain(): void {
    while (this.queue.length && this.batchesInFlight < this.options.maxConcurrentBatches) {
      const batch = this.takeBatch();
      this.batchesInFlight += 1;
      void this.run(batch).finally(() => {
        this.batchesInFlight -= 1;
        this.drain();
      });
    }
  }

  private async run(batch: Submission[]): Promise<void> {
    try {
      const applied = await this.applyBatch(batch.flatMap((submission) => submission.transfers));
      this.finish(() => {
        let offset = 0;
        for (const submission of batch) {
          submission.resolve(applied.results.slice(offset, offset + submission.transfers.length));
          offset += submission.transfers.length;
        }
      }, applied);
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      // One submission must not sink the others: replay them one by one so only the culprit fails.
      else {
        for (const submission of batch) {
          await this.applyBatch(submission.transfers).then(
            (applied) => this.finish(() => submission.resolve(applied.results), applied),
            submission.reject,
          );
        }
      }
    }
  }

  /** Puts the chain positions into the batch's results, then answers its callers. */
  private finish(answer: () => void, applied: AppliedBatch): void {
    this.finishing += 1;
    void this.sealInto(applied)
      .then(answer, answer)
      .finally(() => {
        this.finishing -= 1;
      });
  }

  private async sealInto({ results, sealed }: AppliedBatch): Promise<void> {
    const unsealed = results.filter((result): result is Extract<TransferResult, { transfer: LedgerTransfer }> => result.status !== 'failed' && result.transfer.sequence === null);
    if (!unsealed.length) return;
    const positions = new Map<string, { sequence: number; previousHash: string | null; hash: string | null }>();
    for (const position of sealed ?? []) positions.set(position.id, position);
    // The money is committed whatever happens here: if the batch's own seal did not run or failed, this
    // process's sealer tries; if that fails too, the callers get `sequence: null` and the workers' ledger.seal
    // job seals the rows (the verifier watches that it does).
    if (sealed === null) await this.sealer.seal().catch(() => 0);
    // What the batch's own seal did not place (a sealer elsewhere ran between its commit and its seal, or the
    // fallback above did) is read back.
    const elsewhere = unsealed.map((result) => result.transfer.id).filter((id) => !positions.has(id));
    if (elsewhere.length) {
      const { rows } = await this.pool
        .query<{ id: string; sequence: number | null; previous_hash: string | null; hash: string | null }>(
          'select id, sequence, previous_hash, hash from ledger_transfer where id = any($1::uuid[])',
          [elsewhere],
        )
        .catch(() => ({ rows: [] }));
      for (const row of rows) if (row.sequence !== null) positions.set(row.id, { sequence: row.sequence, previousHash: row.previous_hash, hash: row.hash });
    }
    for (const result of unsealed) {
      const position = positions.get(result.transfer.id);
      if (!position) continue;
      // In place: the object is this batch's own, not yet seen by anyone (and a spread copy with these keys
      // would be garbage for the full collector, docs/performance.md "Spreads").
      result.transfer.sequence = position.sequence;
      result.transfer.previousHash = position.previousHash;
      result.transfer.hash = position.hash;
    }
  }

  private async applyBatch(transfers: readonly TransferInput[]): Promise<AppliedBatch> {
    try {
      return await this.applyBatchOnce(transfers);
    } catch (error) {
      // A writer that raced us with the same new id (or the same pending) committed first: once more,
      // the batch then sees its row and answers `exists` / `id_reused_with_different_body` / the pending's state.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return this.applyBatchOnce(transfers);
    }
  }

  /**
   * One transaction in two round trips: the begin, the accounts' locks and their state; then the write, the
   * commit and the seal, sent together (pipeline mode). Nothing is checked after the write: a failed write
   * makes the commit answer ROLLBACK. The seal is a statement of its own once the commit is in, so the
   * batch's rows (and any other committed rows waiting) get their chain positions without another round trip.
   */
  private async applyBatchOnce(transfers: readonly TransferInput[]): Promise<AppliedBatch> {
    const client = await this.pool.connect();
    let broken = false;
    let commitSent = false;
    setPipelineMode(client, true);
    try {
      const decided = await lockAndDecide(client, transfers, this.options.now(), { begin: true });
      const written = decided.write();
      const committed = client.query('commit');
      commitSent = true;
      const created = decided.results.some((result) => result.status === 'created');
      const sealing = created ? sealTransfers(client, SEAL_BATCH_LIMIT) : null;
      const [write, commit, seal] = await Promise.allSettled([written, committed, sealing]);
      if (write.status === 'rejected') throw write.reason;
      if (commit.status === 'rejected') {
        broken = true;
        throw commit.reason;
      }
      assert(commit.value.command === 'COMMIT', 'a batch whose write succeeded commits');
      return { results: decided.results, sealed: seal.status === 'fulfilled' && seal.value ? seal.value.positions : null };
    } catch (error) {
      if (!commitSent) {
        await client.query('rollback').catch(() => {
          broken = true;
        });
      }
      throw error;
    } finally {
      setPipelineMode(client, false);
      client.release(broken);
    }
  }
}
