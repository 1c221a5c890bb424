import type pg from 'pg';
import type { LedgerSealer } from './ledger-sealer.ts';
import { applyTransfers } from './ledger-store.ts';
import type { LedgerTransfer, TransferInput, TransferResult } from './ledger.types.ts';

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
 * update per batch. After each commit the batch is sealed (its chain positions assigned, ledger-sealer.ts)
 * before its callers hear back, so `submit` answers with `sequence` and `hash`; the next batch does not
 * wait for that seal. Each submission keeps its own results; linked chains never cross submissions (the engine refuses an
 * open chain at the end of one).
 */
export class LedgerWriter {
  private queue: Submission[] = [];
  private batchesInFlight = 0;
  private scheduled = false;
  private closed = false;
  private readonly finishing = new Set<Promise<void>>();

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
    while (this.batchesInFlight || this.queue.length || this.finishing.size) await new Promise((resolve) => setTimeout(resolve, 1));
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
      const results = await this.applyBatch(batch.flatMap((submission) => submission.transfers));
      this.finish(() => {
        let offset = 0;
        for (const submission of batch) {
          submission.resolve(results.slice(offset, offset + submission.transfers.length));
          offset += submission.transfers.length;
        }
      }, results);
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      // One submission must not sink the others: replay them one by one so only the culprit fails.
      else {
        for (const submission of batch) {
          await this.applyBatch(submission.transfers).then(
            (results) => this.finish(() => submission.resolve(results), results),
            submission.reject,
          );
        }
      }
    }
  }

  /** Seals what the batch committed, puts the chain positions into its results, then answers its callers. */
  private finish(answer: () => void, results: TransferResult[]): void {
    const finishing = this.sealInto(results).then(answer, answer);
    this.finishing.add(finishing);
    void finishing.finally(() => this.finishing.delete(finishing));
  }

  private async sealInto(results: TransferResult[]): Promise<void> {
    const unsealed = results.filter((result): result is Extract<TransferResult, { transfer: LedgerTransfer }> => result.status !== 'failed' && result.transfer.sequence === null);
    if (!unsealed.length) return;
    // The money is committed whatever happens here: if the seal fails, the callers get `sequence: null`
    // and the workers' ledger.seal job seals the rows (the verifier watches that it does).
    await this.sealer.seal().catch(() => 0);
    // The positions the seal gave come back with it; only rows another process sealed are read back.
    const positions = new Map<string, { sequence: number; previousHash: string | null; hash: string | null }>();
    for (const result of unsealed) {
      const position = this.sealer.positionOf(result.transfer.id);
      if (position) positions.set(position.id, position);
    }
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
      if (position) result.transfer = { ...result.transfer, sequence: position.sequence, previousHash: position.previousHash, hash: position.hash };
    }
  }

  private async applyBatch(transfers: readonly TransferInput[]): Promise<TransferResult[]> {
    try {
      return await this.applyBatchOnce(transfers);
    } catch (error) {
      // A writer that raced us with the same new id (or the same pending) committed first: once more,
      // the batch then sees its row and answers `exists` / `id_reused_with_different_body` / the pending's state.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return this.applyBatchOnce(transfers);
    }
  }

  private async applyBatchOnce(transfers: readonly TransferInput[]): Promise<TransferResult[]> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      const results = await applyTransfers(client, transfers, this.options.now(), { begin: true });
      await client.query('commit');
      return results;
    } catch (error) {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
