import { Readable } from 'node:stream';
import type pg from 'pg';

export interface CursorStreamOptions<Row, Item> {
  sql: string;
  params: unknown[];
  /** Rows fetched per round trip: the most rows held in memory at once (plus the stream's buffer). */
  fetchRows: number;
  /** Turns one row into the items pushed downstream (a transfer into its two journal lines). */
  toItems(row: Row): readonly Item[];
}

const CURSOR_NAME = 'export_cursor';

/**
 * Rows of a query, streamed from a server-side cursor in chunks, with backpressure: the next FETCH runs
 * only when the consumer has drained what was pushed, so memory stays constant whatever the row count.
 * The cursor lives in a REPEATABLE READ, READ ONLY transaction: one consistent snapshot for the whole
 * export. The client goes back to the pool when the stream ends, fails or is destroyed (a client that
 * went away mid-download).
 */
export class CursorStream<Row extends pg.QueryResultRow, Item> extends Readable {
  private fetching = false;
  private released = false;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly options: CursorStreamOptions<Row, Item>,
  ) {
    super({ objectMode: true, highWaterMark: Math.max(16, options.fetchRows) });
  }

  /** Opens the transaction and declares the cursor before returning, so that a bad query fails the request, not the download. */
  static async open<Row extends pg.QueryResultRow, Item>(pool: pg.Pool, options: CursorStreamOptions<Row, Item>): Promise<CursorStream<Row, Item>> {
    const client = await pool.connect();
    try {
      await client.query('begin isolation level repeatable read read only');
      await client.query(`declare ${CURSOR_NAME} no scroll cursor for ${options.sql}`, options.params);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      client.release();
      throw error;
    }
    return new CursorStream(client, options);
  }

  override _read(): void {
    if (this.fetching || this.released) return;
    this.fetching = true;
    void this.fetchChunk();
  }

  private async fetchChunk(): Promise<void> {
    try {
      const result = await this.client.query<Row>(`fetch forward ${this.options.fetchRows} from ${CURSOR_NAME}`);
      this.fetching = false;
      if (this.destroyed) return;
      for (const row of result.rows) for (const item of this.options.toItems(row)) this.push(item);
      if (result.rows.length < this.options.fetchRows) {
        await this.finish('commit');
        this.push(null);
      }
    } catch (error) {
      this.fetching = false;
      this.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.finish('rollback').then(
      () => callback(error),
      (finishError: unknown) => callback(error ?? (finishError as Error)),
    );
  }

  private async finish(ending: 'commit' | 'rollback'): Promise<void> {
    if (this.released) return;
    this.released = true;
    let broken = false;
    // pg queues this behind a FETCH still in flight, so the transaction always ends before the release.
    await this.client.query(ending).catch(() => {
      broken = true;
    });
    this.client.release(broken);
  }
}
