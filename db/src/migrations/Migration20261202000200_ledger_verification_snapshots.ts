import { Migration } from '@mikro-orm/migrations';

/**
 * Issue #7 items 5 and 9 (docs/ledger.md §4, docs/finance.md §2): verification runs that the workers
 * carry out and operators read by id, and daily balance snapshots per account, so that "the balance as
 * of T" is a snapshot plus the transfers since, not a sum over the account's whole history.
 */
export class Migration20261202000200_ledger_verification_snapshots extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table ledger_verification_run (
        id uuid primary key,
        status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
        -- Who asked: a staff user id (operators), null for the system.
        requested_by uuid,
        -- The verifier's report ({ok, ...} or {ok: false, problem}) once it ran; a run that crashed keeps its error instead.
        ok boolean,
        report jsonb,
        error text,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        finished_at timestamptz,
        check (status <> 'succeeded' or (report is not null and ok is not null))
      );
      create index ledger_verification_run_created_at_index on ledger_verification_run (created_at);`);

    // Totals of one account over exactly the transfers with created_at < cut_at and sequence <= through_sequence.
    // Transfers of the account from first_sequence_after_cut on may lie after the cut; together the two
    // bounds let a reader add exactly what the snapshot left out, whatever order commits came in.
    this.addSql(`
      create table ledger_balance_snapshot (
        account_id uuid not null references ledger_account (id),
        cut_at timestamptz not null,
        through_sequence bigint not null check (through_sequence >= 0),
        first_sequence_after_cut bigint not null check (first_sequence_after_cut >= 1),
        debits_posted bigint not null check (debits_posted >= 0),
        credits_posted bigint not null check (credits_posted >= 0),
        debits_pending bigint not null check (debits_pending >= 0),
        credits_pending bigint not null check (credits_pending >= 0),
        transfers bigint not null check (transfers >= 0),
        last_sequence bigint,
        created_at timestamptz not null default now(),
        primary key (account_id, cut_at)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists ledger_balance_snapshot; drop table if exists ledger_verification_run;');
  }
}
