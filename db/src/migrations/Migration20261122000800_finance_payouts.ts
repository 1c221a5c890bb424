import { Migration } from '@mikro-orm/migrations';

/**
 * Payouts (a merchant's available balance sent to its bank through a payout provider), the provider's
 * callbacks (kept so that a duplicate delivery changes nothing twice) and the records of the local
 * provider that the demo and the tests use in place of a real one. docs/finance.md describes them.
 */
export class Migration20261122000800_finance_payouts extends Migration {
  override async up(): Promise<void> {
    // The hold is the ledger's pending transfer; the payout row mirrors its outcome so that the console
    // can list payouts without reading the ledger. The transfer references are checked at commit: the
    // row is written first and the ledger last, as the ledger's head lock asks. `request_hash` answers a retried request (same
    // Idempotency-Key) with the first payout, and a reuse with another body with a conflict.
    this.addSql(`
      create table payout (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        amount_minor bigint not null check (amount_minor > 0),
        status text not null check (status in ('pending', 'posted', 'voided')),
        provider text not null,
        provider_reference text,
        source_account_id uuid not null references ledger_account (id),
        hold_transfer_id uuid not null unique references ledger_transfer (id) deferrable initially deferred,
        resolution_transfer_id uuid references ledger_transfer (id) deferrable initially deferred,
        failure_code text,
        failure_message text,
        requested_by text,
        idempotency_key text,
        request_hash text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        posted_at timestamptz,
        voided_at timestamptz,
        unique (merchant_id, idempotency_key),
        unique (provider, provider_reference),
        check ((status = 'posted') = (posted_at is not null)),
        check ((status = 'voided') = (voided_at is not null)),
        check ((status = 'pending') = (resolution_transfer_id is null))
      );
      create index payout_merchant_id_index on payout (merchant_id, created_at);
      create index payout_created_at_index on payout (created_at);`);

    this.addSql(`
      create table payout_provider_event (
        provider text not null,
        event_id text not null,
        payout_id uuid not null references payout (id),
        type text not null check (type in ('payout.paid', 'payout.failed')),
        body_hash text not null,
        received_at timestamptz not null default now(),
        primary key (provider, event_id)
      );
      create index payout_provider_event_payout_id_index on payout_provider_event (payout_id);`);

    // What the local provider "knows": its own ids, amounts and statuses, and the reference we gave it
    // (as a real provider keeps it in the metadata of a charge or payout). A payout is created at most
    // once per payout id, so a retried submission never pays twice.
    this.addSql(`
      create table local_provider_record (
        id uuid primary key,
        provider_reference text not null unique,
        kind text not null check (kind in ('payout', 'charge', 'refund')),
        amount_minor bigint not null check (amount_minor > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        status text not null check (status in ('pending', 'succeeded', 'failed')),
        reference_type text,
        reference_id text,
        failure_code text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create unique index local_provider_record_payout_index on local_provider_record (reference_id) where kind = 'payout';
      create index local_provider_record_created_at_index on local_provider_record (created_at);`);
  }
}
