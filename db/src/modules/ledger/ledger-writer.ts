import type pg from 'pg';
import { applyTransfers } from './ledger-store.ts';
import type { TransferInput, TransferResult } from './ledger.types.ts';

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
  now(): Date;
}

/**
 * The process's single ledger writer. Concurrent submissions queue here and are applied together in one
 * transaction while the previous one commits, so a hot account costs one row update per batch and the
 * head lock is taken once per batch rather than once per transfer. Each submission keeps its own
 * results; linked chains never cross submissions (the engine refuses an open chain at the end of one).
 */
export class LedgerWriter {
  private queue: Submission[] = [];
  private running = false;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
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
    while (this.running || this.queue.length) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    const start = () => {
      this.scheduled = false;
      void this.drain();
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

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.takeBatch();
        try {
          const results = await this.applyBatch(batch.flatMap((submission) => submission.transfers));
          let offset = 0;
          for (const submission of batch) {
            submission.resolve(results.slice(offset, offset + submission.transfers.length));
            offset += submission.transfers.length;
          }
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          // One submission must not sink the others: replay them one by one so only the culprit fails.
          else for (const submission of batch) await this.applyBatch(submission.transfers).then(submission.resolve, submission.reject);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async applyBatch(transfers: readonly TransferInput[]): Promise<TransferResult[]> {
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
