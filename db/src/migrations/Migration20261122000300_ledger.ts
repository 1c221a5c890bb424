import { Migration } from '@mikro-orm/migrations';

/**
 * The wallet ledger: accounts with running totals, append-only hash-chained transfers, the mutable state
 * of two-phase transfers, and the one-row head that serialises writers. docs/ledger.md is the contract.
 */
export class Migration20261122000300_ledger extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table ledger_account (
        id uuid primary key,
        kind text not null check (kind in ('shopper_wallet', 'merchant_available', 'merchant_pending', 'escrow', 'platform_fees',
          'card_clearing', 'payouts_in_transit', 'red_envelope_hold', 'group_buy_hold', 'world')),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        owner_type text not null check (owner_type in ('shopper', 'merchant', 'red_envelope', 'group_buy', 'platform')),
        owner_id uuid,
        merchant_id uuid,
        debits_must_not_exceed_credits boolean not null,
        debits_posted bigint not null default 0 check (debits_posted >= 0),
        credits_posted bigint not null default 0 check (credits_posted >= 0),
        debits_pending bigint not null default 0 check (debits_pending >= 0),
        credits_pending bigint not null default 0 check (credits_pending >= 0),
        created_at timestamptz not null default now(),
        check ((owner_type = 'platform') = (owner_id is null)),
        constraint ledger_account_not_below_zero check (not debits_must_not_exceed_credits or debits_posted + debits_pending <= credits_posted),
        constraint ledger_account_identity unique nulls not distinct (kind, currency, owner_id)
      );
      create index ledger_account_merchant_id_index on ledger_account (merchant_id) where merchant_id is not null;
      create index ledger_account_owner_id_index on ledger_account (owner_id) where owner_id is not null;`);

    this.addSql(`
      create table ledger_transfer (
        id uuid primary key,
        sequence bigint not null unique check (sequence > 0),
        kind text not null check (kind in ('posted', 'pending', 'post_pending', 'void_pending', 'expire_pending')),
        debit_account_id uuid not null references ledger_account (id),
        credit_account_id uuid not null references ledger_account (id),
        amount_minor bigint not null check (amount_minor > 0),
        currency text not null,
        pending_id uuid references ledger_transfer (id),
        timeout_seconds integer not null default 0 check (timeout_seconds >= 0),
        linked boolean not null default false,
        reason text not null check (length(reason) between 1 and 64),
        reference_type text,
        reference_id text,
        corrects_id uuid references ledger_transfer (id),
        metadata jsonb not null default '{}',
        body_hash text not null,
        previous_hash text not null,
        hash text not null,
        created_at timestamptz not null,
        check (debit_account_id <> credit_account_id),
        check ((kind in ('post_pending', 'void_pending', 'expire_pending')) = (pending_id is not null)),
        check (kind = 'pending' or timeout_seconds = 0)
      );
      create unique index ledger_transfer_pending_id_index on ledger_transfer (pending_id) where pending_id is not null;
      create index ledger_transfer_debit_account_index on ledger_transfer (debit_account_id, sequence);
      create index ledger_transfer_credit_account_index on ledger_transfer (credit_account_id, sequence);
      create index ledger_transfer_reference_index on ledger_transfer (reference_type, reference_id) where reference_id is not null;
      create index ledger_transfer_corrects_id_index on ledger_transfer (corrects_id) where corrects_id is not null;
      create index ledger_transfer_created_at_index on ledger_transfer (created_at);`);

    // Corrections are new rows; nothing may rewrite history, not even the application's own role.
    this.addSql(`
      create function ledger_transfer_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'ledger_transfer is append-only: % refused', tg_op using errcode = 'P0001', hint = 'Record a correcting transfer instead.';
      end;
      $$;
      create trigger ledger_transfer_append_only before update or delete on ledger_transfer
        for each row execute function ledger_transfer_refuse_change();
      create trigger ledger_transfer_no_truncate before truncate on ledger_transfer
        for each statement execute function ledger_transfer_refuse_change();`);

    this.addSql(`
      create table ledger_pending (
        transfer_id uuid primary key references ledger_transfer (id),
        debit_account_id uuid not null,
        credit_account_id uuid not null,
        amount_minor bigint not null check (amount_minor > 0),
        currency text not null,
        timeout_at timestamptz,
        status text not null check (status in ('pending', 'posted', 'voided', 'expired')),
        resolved_by_id uuid references ledger_transfer (id),
        posted_amount_minor bigint not null default 0 check (posted_amount_minor >= 0 and posted_amount_minor <= amount_minor),
        resolved_at timestamptz,
        check ((status = 'pending') = (resolved_by_id is null))
      );
      create index ledger_pending_timeout_index on ledger_pending (timeout_at) where status = 'pending' and timeout_at is not null;`);

    this.addSql(`
      create table ledger_head (
        id smallint primary key default 1 check (id = 1),
        last_sequence bigint not null,
        last_hash text not null
      );
      insert into ledger_head (id, last_sequence, last_hash) values (1, 0, repeat('0', 64));`);
  }
}
