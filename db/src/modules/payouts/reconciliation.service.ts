import type { Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { newId } from '../../ids.ts';
import { parsePeriod } from '../finance/finance-period.ts';
import { assertPlatformScope } from '../finance/finance-scope.ts';
import type { PendingStatus } from '../ledger/ledger.types.ts';
import type { PayoutStatus } from './payout.entity.ts';
import type { PaymentsProvider, ProviderRecord } from './payout-provider.ts';
import type { CardMovementSource } from './stripe-card-movements.ts';

export const MATCH_STATUSES = ['matched', 'missing_on_our_side', 'missing_at_provider', 'amount_mismatch', 'status_mismatch'] as const;
export type MatchStatus = (typeof MATCH_STATUSES)[number];

export interface PayoutMatch {
  status: MatchStatus;
  payoutId: string | null;
  merchantId: string | null;
  providerReference: string | null;
  currency: string;
  ourAmountMinor: number | null;
  providerAmountMinor: number | null;
  ourStatus: PayoutStatus | null;
  ledgerStatus: PendingStatus | null;
  providerStatus: ProviderRecord['status'] | null;
}

export interface CardClearingMatch {
  status: Exclude<MatchStatus, 'status_mismatch'>;
  kind: 'charge' | 'refund';
  currency: string;
  /** The Stripe payment intent both sides are matched by; null for ledger legs that name none. */
  paymentIntentId: string | null;
  referenceType: string | null;
  referenceId: string | null;
  ourAmountMinor: number;
  providerAmountMinor: number;
  differenceMinor: number;
  transferIds: string[];
  /** Stripe's balance transaction ids. */
  providerReferences: string[];
}

export interface ReconciliationSection<Item> {
  counts: Record<MatchStatus, number>;
  items: Item[];
  /** Pass as `payoutsAfter` / `cardClearingAfter` for the next page; null on the last one. */
  nextAfter: string | null;
}

export interface ReconciliationReport {
  provider: string;
  cardProcessor: string;
  from: Date;
  to: Date;
  payouts: ReconciliationSection<PayoutMatch>;
  cardClearing: ReconciliationSection<CardClearingMatch>;
}

export interface ReconciliationQuery {
  from: string;
  to: string;
  limit?: number;
  payoutsAfter?: string;
  cardClearingAfter?: string;
}

/** Rows copied per insert: one page of the provider's list at a time is all that is held. */
const COPY_BATCH = 200;
const DEFAULT_PAGE_SIZE = 500;
/** Copies older than this were left by a report that died; the next report removes them. */
const STALE_COPY_INTERVAL = '1 hour';

function emptyCounts(): Record<MatchStatus, number> {
  return Object.fromEntries(MATCH_STATUSES.map((status) => [status, 0])) as Record<MatchStatus, number>;
}

/**
 * Our books against the providers' for a period [from, to) of creation times: payouts against the
 * payouts provider by its reference; card clearing against Stripe's balance transactions by payment
 * intent, summed per (kind, currency, payment intent) so that two partial refunds match two Stripe
 * refunds, or one. The providers' records are copied into `provider_record_copy` a page at a time
 * (never inside a transaction: they are external calls), matched in SQL, and answered in keyset pages.
 */
export class ReconciliationService {
  constructor(
    private readonly database: Database,
    private readonly provider: PaymentsProvider,
    private readonly cardProcessor: CardMovementSource,
  ) {}

  async report(actor: Actor, input: ReconciliationQuery): Promise<ReconciliationReport> {
    assertPlatformScope(actor);
    const period = parsePeriod(input) as { from: Date; to: Date };
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const copyId = newId();
    const { pool } = this.database;
    await pool.query(`delete from provider_record_copy where copied_at < now() - interval '${STALE_COPY_INTERVAL}'`);
    try {
      await this.copy(copyId, this.provider.name, this.payoutRecords(period));
      await this.copy(copyId, this.cardProcessor.name, this.cardProcessor.listCardMovements(period));
      const [payouts, cardClearing] = await Promise.all([
        this.matchPayouts(copyId, period, limit, input.payoutsAfter ?? null),
        this.matchCardClearing(copyId, period, limit, input.cardClearingAfter ?? null),
      ]);
      return { provider: this.provider.name, cardProcessor: this.cardProcessor.name, from: period.from, to: period.to, payouts, cardClearing };
    } finally {
      await pool.query('delete from provider_record_copy where copy_id = $1', [copyId]);
    }
  }

  private async *payoutRecords(period: { from: Date; to: Date }): AsyncIterable<ProviderRecord> {
    // Card movements come from the card processor (Stripe), not from the payouts provider.
    for await (const record of this.provider.listRecords(period)) if (record.kind === 'payout') yield record;
  }

  private async copy(copyId: string, provider: string, records: AsyncIterable<ProviderRecord>): Promise<void> {
    let batch: ProviderRecord[] = [];
    const flush = async () => {
      if (!batch.length) return;
      await this.database.pool.query(
        `insert into provider_record_copy (copy_id, provider, provider_reference, kind, amount_minor, currency, status, reference_type, reference_id, payment_intent_id, created_at)
         select $1, $2, * from unnest($3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])
         on conflict do nothing`,
        [
          copyId,
          provider,
          batch.map((record) => record.providerReference),
          batch.map((record) => record.kind),
          batch.map((record) => record.amountMinor),
          batch.map((record) => record.currency),
          batch.map((record) => record.status),
          batch.map((record) => record.referenceType),
          batch.map((record) => record.referenceId),
          batch.map((record) => record.paymentIntentId ?? null),
          batch.map((record) => record.createdAt),
        ],
      );
      batch = [];
    };
    for await (const record of records) {
      batch.push(record);
      if (batch.length >= COPY_BATCH) await flush();
    }
    await flush();
  }

  private async matchPayouts(copyId: string, period: { from: Date; to: Date }, limit: number, after: string | null): Promise<ReconciliationSection<PayoutMatch>> {
    const matched = `
      with ours as (
        select p.id, p.merchant_id, p.provider_reference, p.currency, p.amount_minor, p.status, lp.status as ledger_status
          from payout p left join ledger_pending lp on lp.transfer_id = p.hold_transfer_id
         where p.provider = $2 and p.created_at >= $3 and p.created_at < $4
      ), theirs as (
        select provider_reference, amount_minor, currency, status from provider_record_copy where copy_id = $1 and provider = $2 and kind = 'payout'
      ), joined as (
        select coalesce(o.provider_reference, t.provider_reference, o.id::text) as sort_key,
               case when t.provider_reference is null then 'missing_at_provider'
                    when o.id is null then 'missing_on_our_side'
                    when t.amount_minor <> o.amount_minor or t.currency <> o.currency then 'amount_mismatch'
                    when t.status <> case o.status when 'pending' then 'pending' when 'posted' then 'succeeded' else 'failed' end then 'status_mismatch'
                    else 'matched' end as status,
               o.id as "payoutId", o.merchant_id as "merchantId", coalesce(o.provider_reference, t.provider_reference) as "providerReference",
               coalesce(o.currency, t.currency) as currency, o.amount_minor as "ourAmountMinor", t.amount_minor as "providerAmountMinor",
               o.status as "ourStatus", o.ledger_status as "ledgerStatus", t.status as "providerStatus"
          from ours o full outer join theirs t on t.provider_reference = o.provider_reference
      )`;
    const parameters = [copyId, this.provider.name, period.from, period.to];
    return this.page<PayoutMatch>(matched, parameters, limit, after);
  }

  private async matchCardClearing(copyId: string, period: { from: Date; to: Date }, limit: number, after: string | null): Promise<ReconciliationSection<CardClearingMatch>> {
    // Card clearing is debited when a card pays us (a charge) and credited when we pay a card back (a
    // refund). A leg's payment intent: its own metadata (payments, top-ups), else that of the payment
    // it reverses (refunds before settlement), else its order's (refunds after settlement).
    const matched = `
      with clearing as (
        select id from ledger_account where kind = 'card_clearing'
      ), legs as (
        select case when t.debit_account_id in (select id from clearing) then 'charge' else 'refund' end as kind,
               t.currency, t.amount_minor, t.id, t.sequence, t.reference_type, t.reference_id,
               coalesce(t.metadata ->> 'paymentIntentId', c.metadata ->> 'paymentIntentId', o.payment_intent_id) as payment_intent_id
          from ledger_transfer t
          left join ledger_transfer c on c.id = t.corrects_id
          left join shop_order o on t.reference_type = 'order' and o.id::text = t.reference_id
         where (t.debit_account_id in (select id from clearing) or t.credit_account_id in (select id from clearing))
           and t.kind in ('posted', 'post_pending') and t.created_at >= $2 and t.created_at < $3
      ), ours as (
        select kind, currency, coalesce(payment_intent_id, 'reference:' || coalesce(reference_type, '') || ':' || coalesce(reference_id, id::text)) as match_key,
               min(payment_intent_id) as payment_intent_id, min(reference_type) as reference_type, min(reference_id) as reference_id,
               sum(amount_minor)::bigint as amount_minor, array_agg(id order by sequence) as transfer_ids
          from legs group by 1, 2, 3
      ), theirs as (
        select kind, currency, coalesce(payment_intent_id, 'record:' || provider_reference) as match_key,
               min(payment_intent_id) as payment_intent_id, min(reference_type) as reference_type, min(reference_id) as reference_id,
               sum(amount_minor)::bigint as amount_minor, array_agg(provider_reference order by created_at, provider_reference) as provider_references
          from provider_record_copy where copy_id = $1 and provider = $4 and kind in ('charge', 'refund') and status = 'succeeded'
         group by 1, 2, 3
      ), joined as (
        select coalesce(o.kind, t.kind) || ' ' || coalesce(o.currency, t.currency) || ' ' || coalesce(o.match_key, t.match_key) as sort_key,
               case when t.match_key is null then 'missing_at_provider'
                    when o.match_key is null then 'missing_on_our_side'
                    when t.amount_minor = o.amount_minor then 'matched'
                    else 'amount_mismatch' end as status,
               coalesce(o.kind, t.kind) as kind, coalesce(o.currency, t.currency) as currency,
               coalesce(o.payment_intent_id, t.payment_intent_id) as "paymentIntentId",
               coalesce(o.reference_type, t.reference_type) as "referenceType", coalesce(o.reference_id, t.reference_id) as "referenceId",
               coalesce(o.amount_minor, 0)::bigint as "ourAmountMinor", coalesce(t.amount_minor, 0)::bigint as "providerAmountMinor",
               (coalesce(t.amount_minor, 0) - coalesce(o.amount_minor, 0))::bigint as "differenceMinor",
               coalesce(o.transfer_ids, '{}') as "transferIds", coalesce(t.provider_references, '{}') as "providerReferences"
          from ours o full outer join theirs t on t.kind = o.kind and t.currency = o.currency and t.match_key = o.match_key
      )`;
    return this.page<CardClearingMatch>(matched, [copyId, period.from, period.to, this.cardProcessor.name], limit, after);
  }

  /** The counts of the whole period, and one keyset page of items after `after` in sort-key order. */
  private async page<Item>(matched: string, parameters: unknown[], limit: number, after: string | null): Promise<ReconciliationSection<Item>> {
    const { pool } = this.database;
    const [counted, paged] = await Promise.all([
      pool.query<{ status: MatchStatus; count: number }>(`${matched} select status, count(*)::int as count from joined group by status`, parameters),
      pool.query<Item & { sort_key: string }>(
        `${matched} select * from joined where ($${parameters.length + 1}::text is null or sort_key collate "C" > $${parameters.length + 1}) order by sort_key collate "C" limit $${parameters.length + 2}`,
        [...parameters, after, limit + 1],
      ),
    ]);
    const counts = emptyCounts();
    for (const row of counted.rows) counts[row.status] = row.count;
    const hasMore = paged.rows.length > limit;
    const rows = hasMore ? paged.rows.slice(0, limit) : paged.rows;
    const items = rows.map(({ sort_key: _sortKey, ...item }) => item as unknown as Item);
    return { counts, items, nextAfter: hasMore ? rows[rows.length - 1]!.sort_key : null };
  }
}
