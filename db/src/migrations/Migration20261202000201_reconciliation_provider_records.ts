import { Migration } from '@mikro-orm/migrations';

/**
 * Issue #7 items 7 and 9 (docs/finance.md §7): each reconciliation copies the provider's records of its
 * period (payouts from the payouts provider, card charges and refunds from Stripe's balance transactions)
 * into this table a page at a time, under its own copy id and outside any transaction (the provider is
 * an external call), then matches them against our books in SQL and answers in keyset pages, so neither
 * side of a period is ever held in memory whole. The copy is deleted when the report is done.
 */
export class Migration20261202000201_reconciliation_provider_records extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table provider_record_copy (
        copy_id uuid not null,
        provider text not null,
        provider_reference text not null,
        kind text not null check (kind in ('payout', 'charge', 'refund')),
        amount_minor bigint not null check (amount_minor >= 0),
        currency char(3) not null,
        status text not null check (status in ('pending', 'succeeded', 'failed')),
        reference_type text,
        reference_id text,
        payment_intent_id text,
        created_at timestamptz not null,
        copied_at timestamptz not null default now(),
        primary key (copy_id, provider, provider_reference)
      );
      create index provider_record_copy_copied_at_index on provider_record_copy (copied_at);`);
  }
}
