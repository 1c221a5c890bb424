import type { Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { parsePeriod } from '../finance/finance-period.ts';
import { assertPlatformScope } from '../finance/finance-scope.ts';
import type { PendingStatus } from '../ledger/ledger.types.ts';
import type { PayoutStatus } from './payout.entity.ts';
import type { PaymentsProvider, ProviderRecord } from './payout-provider.ts';

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
  referenceType: string | null;
  referenceId: string | null;
  ourAmountMinor: number;
  providerAmountMinor: number;
  differenceMinor: number;
  transferIds: string[];
  providerReferences: string[];
}

export interface ReconciliationSection<Item> {
  counts: Record<MatchStatus, number>;
  items: Item[];
}

export interface ReconciliationReport {
  provider: string;
  from: Date;
  to: Date;
  payouts: ReconciliationSection<PayoutMatch>;
  cardClearing: ReconciliationSection<CardClearingMatch>;
}

/** What each of our payout states means at the provider (expired: our hold timed out, the money never left). */
const PROVIDER_STATUS_OF: Record<PayoutStatus, ProviderRecord['status']> = { pending: 'pending', posted: 'succeeded', voided: 'failed', expired: 'failed' };

interface PayoutSideRow {
  id: string;
  merchant_id: string;
  provider_reference: string | null;
  currency: string;
  amount_minor: number;
  status: PayoutStatus;
  ledger_status: PendingStatus | null;
}

interface CardSideRow {
  kind: 'charge' | 'refund';
  currency: string;
  reference_type: string | null;
  reference_id: string | null;
  amount_minor: number;
  transfer_ids: string[];
}

function section<Item extends { status: MatchStatus }>(items: Item[]): ReconciliationSection<Item> {
  const counts = Object.fromEntries(MATCH_STATUSES.map((status) => [status, 0])) as Record<MatchStatus, number>;
  for (const item of items) counts[item.status] += 1;
  return { counts, items };
}

function cardKey(kind: string, currency: string, referenceType: string | null, referenceId: string | null): string {
  return JSON.stringify([kind, currency, referenceType, referenceId]);
}

/**
 * Our books against the provider's for a period [from, to) of creation times: payouts by the provider's
 * reference, card clearing by business reference (the order or top-up a charge or refund was for, which
 * we hand the provider as metadata), summed per reference so partial refunds match as a whole.
 */
export class ReconciliationService {
  constructor(
    private readonly database: Database,
    private readonly provider: PaymentsProvider,
  ) {}

  async report(actor: Actor, input: { from: string; to: string }): Promise<ReconciliationReport> {
    assertPlatformScope(actor);
    const period = parsePeriod(input) as { from: Date; to: Date };

    const payoutRecords = new Map<string, ProviderRecord>();
    const cardRecords = new Map<string, { kind: 'charge' | 'refund'; currency: string; referenceType: string | null; referenceId: string | null; amountMinor: number; references: string[] }>();
    for await (const record of this.provider.listRecords(period)) {
      if (record.kind === 'payout') {
        payoutRecords.set(record.providerReference, record);
      } else if (record.status === 'succeeded') {
        const key = cardKey(record.kind, record.currency, record.referenceType, record.referenceId);
        const entry = cardRecords.get(key) ?? { kind: record.kind, currency: record.currency, referenceType: record.referenceType, referenceId: record.referenceId, amountMinor: 0, references: [] };
        entry.amountMinor += record.amountMinor;
        entry.references.push(record.providerReference);
        cardRecords.set(key, entry);
      }
    }

    return {
      provider: this.provider.name,
      from: period.from,
      to: period.to,
      payouts: section(await this.matchPayouts(period, payoutRecords)),
      cardClearing: section(await this.matchCardClearing(period, cardRecords)),
    };
  }

  private async matchPayouts(period: { from: Date; to: Date }, records: Map<string, ProviderRecord>): Promise<PayoutMatch[]> {
    const { rows } = await this.database.pool.query<PayoutSideRow>(
      `select p.id, p.merchant_id, p.provider_reference, p.currency, p.amount_minor, p.status, lp.status as ledger_status
         from payout p left join ledger_pending lp on lp.transfer_id = p.hold_transfer_id
        where p.provider = $1 and p.created_at >= $2 and p.created_at < $3
        order by p.created_at, p.id`,
      [this.provider.name, period.from, period.to],
    );
    const items: PayoutMatch[] = [];
    for (const payout of rows) {
      const record = payout.provider_reference ? records.get(payout.provider_reference) : undefined;
      if (record) records.delete(record.providerReference);
      let status: MatchStatus;
      if (!record) status = 'missing_at_provider';
      else if (record.amountMinor !== payout.amount_minor || record.currency !== payout.currency) status = 'amount_mismatch';
      else if (record.status !== PROVIDER_STATUS_OF[payout.status]) status = 'status_mismatch';
      else status = 'matched';
      items.push({
        status,
        payoutId: payout.id,
        merchantId: payout.merchant_id,
        providerReference: payout.provider_reference,
        currency: payout.currency,
        ourAmountMinor: payout.amount_minor,
        providerAmountMinor: record?.amountMinor ?? null,
        ourStatus: payout.status,
        ledgerStatus: payout.ledger_status,
        providerStatus: record?.status ?? null,
      });
    }
    for (const record of records.values()) {
      items.push({
        status: 'missing_on_our_side',
        payoutId: null,
        merchantId: null,
        providerReference: record.providerReference,
        currency: record.currency,
        ourAmountMinor: null,
        providerAmountMinor: record.amountMinor,
        ourStatus: null,
        ledgerStatus: null,
        providerStatus: record.status,
      });
    }
    return items;
  }

  private async matchCardClearing(
    period: { from: Date; to: Date },
    records: Map<string, { kind: 'charge' | 'refund'; currency: string; referenceType: string | null; referenceId: string | null; amountMinor: number; references: string[] }>,
  ): Promise<CardClearingMatch[]> {
    // Card clearing is debited when a card pays us (a charge) and credited when we pay a card back (a refund).
    const { rows } = await this.database.pool.query<CardSideRow>(
      `with clearing as (select id from ledger_account where kind = 'card_clearing')
       select case when t.debit_account_id in (select id from clearing) then 'charge' else 'refund' end as kind,
              t.currency, t.reference_type, t.reference_id, sum(t.amount_minor)::bigint as amount_minor,
              array_agg(t.id order by t.sequence) as transfer_ids
         from ledger_transfer t
        where (t.debit_account_id in (select id from clearing) or t.credit_account_id in (select id from clearing))
          and t.kind in ('posted', 'post_pending') and t.created_at >= $1 and t.created_at < $2
        group by 1, 2, 3, 4`,
      [period.from, period.to],
    );
    const items: CardClearingMatch[] = [];
    for (const ours of rows) {
      const key = cardKey(ours.kind, ours.currency, ours.reference_type, ours.reference_id);
      const theirs = records.get(key);
      records.delete(key);
      const providerAmountMinor = theirs?.amountMinor ?? 0;
      items.push({
        status: !theirs ? 'missing_at_provider' : theirs.amountMinor === ours.amount_minor ? 'matched' : 'amount_mismatch',
        kind: ours.kind,
        currency: ours.currency,
        referenceType: ours.reference_type,
        referenceId: ours.reference_id,
        ourAmountMinor: ours.amount_minor,
        providerAmountMinor,
        differenceMinor: providerAmountMinor - ours.amount_minor,
        transferIds: ours.transfer_ids,
        providerReferences: theirs?.references ?? [],
      });
    }
    for (const theirs of records.values()) {
      items.push({
        status: 'missing_on_our_side',
        kind: theirs.kind,
        currency: theirs.currency,
        referenceType: theirs.referenceType,
        referenceId: theirs.referenceId,
        ourAmountMinor: 0,
        providerAmountMinor: theirs.amountMinor,
        differenceMinor: theirs.amountMinor,
        transferIds: [],
        providerReferences: theirs.references,
      });
    }
    return items.sort((left, right) => cardKey(left.kind, left.currency, left.referenceType, left.referenceId).localeCompare(cardKey(right.kind, right.currency, right.referenceType, right.referenceId)));
  }
}
