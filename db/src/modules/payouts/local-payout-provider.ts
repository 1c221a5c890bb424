import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { CurrencyCode } from '../../money.ts';
import type { PaymentsProvider, PayoutRequest, PayoutSubmission, ProviderEvent, ProviderRecord, ProviderRecordKind } from './payout-provider.ts';

interface RecordRow {
  provider_reference: string;
  kind: ProviderRecordKind;
  amount_minor: number;
  currency: string;
  status: ProviderRecord['status'];
  reference_type: string | null;
  reference_id: string | null;
  failure_code: string | null;
  created_at: Date;
}

export interface CardMovementInput {
  kind: Extract<ProviderRecordKind, 'charge' | 'refund'>;
  amountMinor: number;
  currency: CurrencyCode;
  referenceType: string;
  referenceId: string;
  status?: 'succeeded' | 'failed';
}

const PREFIX_BY_KIND: Record<ProviderRecordKind, string> = { payout: 'lpo', charge: 'lch', refund: 'lrf' };
const PAGE_ROWS = 1_000;

function providerReference(kind: ProviderRecordKind): string {
  return `${PREFIX_BY_KIND[kind]}_${randomBytes(12).toString('hex')}`;
}

function recordFromRow(row: RecordRow): ProviderRecord {
  return {
    providerReference: row.provider_reference,
    kind: row.kind,
    amountMinor: row.amount_minor,
    currency: row.currency,
    status: row.status,
    referenceType: row.reference_type,
    referenceId: row.reference_id,
    createdAt: row.created_at,
  };
}

/**
 * A payments provider that lives in our own database: it accepts every payout, settles one when told to
 * (as a bank would, some time later) and keeps card charges and refunds that a test or the demo records.
 * It stands in for a real provider in the demo and the tests, behind the same interface.
 */
export class LocalPaymentsProvider implements PaymentsProvider {
  readonly name = 'local';

  constructor(private readonly pool: pg.Pool) {}

  async createPayout(request: PayoutRequest): Promise<PayoutSubmission> {
    await this.pool.query(
      `insert into local_provider_record (id, provider_reference, kind, amount_minor, currency, status, reference_type, reference_id)
       values ($1, $2, 'payout', $3, $4, 'pending', 'payout', $5)
       on conflict (reference_id) where kind = 'payout' do nothing`,
      [newId(), providerReference('payout'), request.amountMinor, request.currency, request.payoutId],
    );
    const { rows } = await this.pool.query<RecordRow>(`select * from local_provider_record where kind = 'payout' and reference_id = $1`, [request.payoutId]);
    const row = rows[0]!;
    if (row.status === 'failed') {
      return { status: 'failed', providerReference: row.provider_reference, failureCode: row.failure_code ?? 'refused', failureMessage: 'The provider refused the payout.' };
    }
    return { status: 'pending', providerReference: row.provider_reference };
  }

  /**
   * The bank's answer to a payout: marks the provider's record and returns the callback it sends. Every
   * call is a new event (a real provider may report a payout paid and later returned), so our side must
   * refuse what does not fit the payout's state.
   */
  async settlePayout(reference: string, outcome: 'paid' | 'failed', failureCode = 'account_closed'): Promise<ProviderEvent> {
    const { rowCount } = await this.pool.query(
      `update local_provider_record set status = $2, failure_code = $3, updated_at = now() where provider_reference = $1 and kind = 'payout'`,
      [reference, outcome === 'paid' ? 'succeeded' : 'failed', outcome === 'paid' ? null : failureCode],
    );
    if (!rowCount) throw new NotFoundError('provider_payout', reference);
    return {
      provider: this.name,
      eventId: `evt_${randomBytes(12).toString('hex')}`,
      type: outcome === 'paid' ? 'payout.paid' : 'payout.failed',
      providerReference: reference,
      ...(outcome === 'failed' ? { failureCode, failureMessage: 'The bank refused the payout.' } : {}),
    };
  }

  /** A card charge or refund as the card processor books it (the card flows call this in the demo). */
  async recordCardMovement(input: CardMovementInput): Promise<ProviderRecord> {
    const { rows } = await this.pool.query<RecordRow>(
      `insert into local_provider_record (id, provider_reference, kind, amount_minor, currency, status, reference_type, reference_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
      [newId(), providerReference(input.kind), input.kind, input.amountMinor, input.currency, input.status ?? 'succeeded', input.referenceType, input.referenceId],
    );
    return recordFromRow(rows[0]!);
  }

  async *listRecords(period: { from: Date; to: Date }): AsyncIterable<ProviderRecord> {
    // Keyset on the id alone: created_at carries microseconds that a JavaScript Date would round away.
    let afterId: string | null = null;
    for (;;) {
      const page: pg.QueryResult<RecordRow & { id: string }> = await this.pool.query(
        `select * from local_provider_record
          where created_at >= $1 and created_at < $2 and ($3::uuid is null or id > $3::uuid)
          order by id limit $4`,
        [period.from, period.to, afterId, PAGE_ROWS],
      );
      for (const row of page.rows) yield recordFromRow(row);
      if (page.rows.length < PAGE_ROWS) return;
      afterId = page.rows[page.rows.length - 1]!.id;
    }
  }
}
