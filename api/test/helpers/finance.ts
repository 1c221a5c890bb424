import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../../db/src/database.ts';
import { newId } from '../../../db/src/ids.ts';
import { LedgerService } from '../../../db/src/modules/ledger/ledger.service.ts';
import type { LedgerTransfer, TransferInput } from '../../../db/src/modules/ledger/ledger.types.ts';
import { createOperator } from './shoppers.ts';

/**
 * Headers of a platform operator's access token, for a real operator: authentication reads the operator
 * row on every request, so a token for nobody is refused.
 */
export async function operatorHeaders(app: FastifyInstance): Promise<{ authorization: string }> {
  return (await createOperator(app)).headers;
}

/**
 * A second LedgerService on the test database whose clock the test sets, so that transfers land at
 * chosen times (periods, balances as of a past time). It writes through the same head lock as the app's.
 */
export class ClockedLedger {
  readonly service: LedgerService;
  readonly recorded: LedgerTransfer[] = [];
  private time = new Date('2026-01-01T00:00:00.000Z');

  constructor(database: Database) {
    this.service = new LedgerService(database, { now: () => this.time });
  }

  get recipes() {
    return this.service.recipes;
  }

  /** Records the legs at the given time and remembers the transfers. */
  async recordAt(isoTime: string, legs: TransferInput[] | Promise<TransferInput[]>): Promise<LedgerTransfer[]> {
    this.time = new Date(isoTime);
    const transfers = await this.service.record(await legs);
    this.recorded.push(...transfers);
    return transfers;
  }

  close(): Promise<void> {
    return this.service.close();
  }
}

export type CsvLine = Record<string, string>;

export function parseCsv(text: string): CsvLine[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as CsvLine[];
}

export function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
