import { finished, pipeline, Transform, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, TooBusyError } from '../../errors.ts';
import { parsePeriod, type Period } from './finance-period.ts';
import { financeScope, merchantAccountIds, visibleAccount } from './finance-scope.ts';
import type { JournalQueryInput } from './finance.schemas.ts';
import { JOURNAL_COLUMNS, JOURNAL_SELECT, journalLines, type JournalLine, type JournalTransferRow } from './journal-lines.ts';
import { openSnapshotQueryStream } from './snapshot-query-stream.ts';
import { sealBeforeRead } from '../ledger/ledger-sealer.ts';

export type JournalFormat = 'csv' | 'jsonl';

export const JOURNAL_CONTENT_TYPES: Record<JournalFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

export interface JournalExport {
  filename: string;
  contentType: string;
  /** The file's bytes; ends the snapshot's transaction (and frees the export's slot) when it ends, fails or is destroyed. */
  stream: Readable;
}

export interface JournalExportOptions {
  /** Transfers per cursor batch; each gives two lines. */
  fetchRows?: number;
  /** Sent as Retry-After with the 429 of an export past the cap. */
  retryAfterSeconds?: number;
}

/** Every export slot is taken: the caller is told to come back later (429 with Retry-After). */
export class JournalExportsBusyError extends TooBusyError {
  constructor(limit: number, retryAfterSeconds: number) {
    super('journal_exports_busy', `${limit} journal exports are already running; try again in ${retryAfterSeconds} seconds.`, retryAfterSeconds);
  }
}

function linesOf(): Transform {
  return new Transform({
    objectMode: true,
    transform(row: JournalTransferRow, _encoding, callback) {
      const [debit, credit] = journalLines(row);
      this.push(debit);
      callback(null, credit);
    },
  });
}

function csvFormatter(): Transform {
  return stringify({
    header: true,
    columns: [...JOURNAL_COLUMNS],
    cast: {
      boolean: (value) => (value ? 'true' : 'false'),
      object: (value) => JSON.stringify(value),
    },
  });
}

function jsonLinesFormatter(): Transform {
  return new Transform({
    writableObjectMode: true,
    // journalLine builds its keys in column order, so both formats read alike.
    transform(line: JournalLine, _encoding, callback) {
      callback(null, `${JSON.stringify(line)}\n`);
    },
  });
}

function compactTime(time: Date | null, fallback: string): string {
  return time ? time.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '') : fallback;
}

function filenameOf(subject: string, period: Period, format: JournalFormat): string {
  return `journal-${subject}-${compactTime(period.from, 'start')}-${compactTime(period.to, 'now')}.${format}`;
}

/**
 * The journal as a download: every transfer of a period, of a merchant or of one account, as CSV or JSON
 * lines, streamed from a server-side cursor (pg-query-stream) through the formatter to the caller with
 * backpressure. Exports run on the database's export pool, never the one checkout uses, and at most as
 * many at once as that pool has connections: the next one is refused at once (429) rather than queued,
 * so slow downloads can neither starve the API nor pile up.
 */
export class JournalExportService {
  private readonly fetchRows: number;
  private readonly retryAfterSeconds: number;
  private running = 0;

  constructor(
    private readonly database: Database,
    options: JournalExportOptions = {},
  ) {
    this.fetchRows = options.fetchRows ?? 2_000;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 10;
  }

  /** Exports streaming right now in this process. */
  get runningExports(): number {
    return this.running;
  }

  async export(actor: Actor, input: JournalQueryInput, format: JournalFormat): Promise<JournalExport> {
    const scope = financeScope(actor);
    const period = parsePeriod(input);
    const pool = this.database.pool;
    // The journal ends at the sealed head (so a chain recomputed from it ends at ledger_head.last_hash):
    // seal what is committed now; a row committed after this follows in the next export.
    await sealBeforeRead(pool);

    let accountIds: string[] | null = null;
    let subject = 'platform';
    if (input.accountId) {
      accountIds = [(await visibleAccount(pool, scope, input.accountId)).id];
      subject = `account-${input.accountId}`;
    } else {
      const merchantId = scope.type === 'merchant' ? scope.merchantId : input.merchantId;
      if (scope.type === 'merchant' && input.merchantId && input.merchantId !== scope.merchantId) throw new NotFoundError('merchant', input.merchantId);
      if (merchantId) {
        accountIds = await merchantAccountIds(pool, merchantId);
        subject = `merchant-${merchantId}`;
      }
    }

    // A merchant's lines reach its accounts through the two account indexes; the platform's whole
    // journal walks the sequence index, which a cursor's fast-start plan prefers to a sort.
    const conditions: string[] = ['t.sequence is not null'];
    const params: unknown[] = [];
    if (accountIds) {
      params.push(accountIds);
      conditions.push(`(t.debit_account_id = any($${params.length}::uuid[]) or t.credit_account_id = any($${params.length}::uuid[]))`);
    }
    if (period.from) {
      params.push(period.from);
      conditions.push(`t.created_at >= $${params.length}`);
    }
    if (period.to) {
      params.push(period.to);
      conditions.push(`t.created_at < $${params.length}`);
    }
    const sql = `${JOURNAL_SELECT} where ${conditions.join(' and ')} order by t.sequence`;

    const limit = this.database.exportPool.options.max ?? 1;
    if (this.running >= limit) throw new JournalExportsBusyError(limit, this.retryAfterSeconds);
    // Taken before the first await, so that concurrent requests cannot all pass the check.
    this.running += 1;
    let slotFreed = false;
    const freeSlot = () => {
      if (slotFreed) return;
      slotFreed = true;
      this.running -= 1;
    };
    let rows: Readable;
    try {
      rows = await openSnapshotQueryStream<JournalTransferRow>(this.database.exportPool, sql, params, { batchSize: this.fetchRows });
    } catch (error) {
      freeSlot();
      throw error;
    }
    const formatter = format === 'csv' ? csvFormatter() : jsonLinesFormatter();
    // pipeline tears every part down when one fails or the reader goes away; the snapshot then rolls back.
    const stream = pipeline(rows, linesOf(), formatter, () => undefined);
    finished(rows, freeSlot);
    return { filename: filenameOf(subject, period, format), contentType: JOURNAL_CONTENT_TYPES[format], stream };
  }
}
