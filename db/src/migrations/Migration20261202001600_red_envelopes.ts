import { Migration } from '@mikro-orm/migrations';

/**
 * Issue #11 item 3 (docs/social.md): red envelopes. The money sits in the envelope's own ledger account
 * (kind red_envelope_hold) from creation; each claim posts its share out of it, and what nobody claimed
 * goes back to the sender once, after expires_at.
 */
export class Migration20261202001600_red_envelopes extends Migration {
  override async up(): Promise<void> {
    // sender: a shopper (from the wallet) or a merchant (from its available balance, a promotion).
    // group_key: the chat group, as proven (docs/social.md §2), e.g. `host:<hostId>:<group>`.
    // claimed_count / claimed_minor: running totals kept with the claims under the envelope's row lock.
    this.addSql(`
      create table red_envelope (
        id uuid primary key,
        sender_type text not null check (sender_type in ('shopper', 'merchant')),
        sender_shopper_id uuid references shopper (id),
        merchant_id uuid references merchant (id),
        group_key text not null check (length(group_key) between 1 and 300),
        mode text not null check (mode in ('equal', 'double_mean', 'fair')),
        currency text not null,
        amount_minor bigint not null check (amount_minor > 0),
        share_count integer not null check (share_count > 0 and share_count <= amount_minor),
        claimed_count integer not null default 0 check (claimed_count between 0 and share_count),
        claimed_minor bigint not null default 0 check (claimed_minor between 0 and amount_minor),
        message text,
        status text not null default 'open' check (status in ('open', 'claimed', 'returned')),
        expires_at timestamptz not null,
        returned_minor bigint check (returned_minor >= 0),
        returned_at timestamptz,
        fund_transfer_id uuid not null,
        return_transfer_id uuid,
        idempotency_key text not null,
        idempotency_request jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint red_envelope_sender_check check (
          (sender_type = 'shopper' and sender_shopper_id is not null and merchant_id is null)
          or (sender_type = 'merchant' and merchant_id is not null and sender_shopper_id is null)),
        constraint red_envelope_return_check check ((status = 'returned') = (returned_at is not null) and (returned_at is null) = (returned_minor is null)),
        constraint red_envelope_total_check check (claimed_minor + coalesce(returned_minor, 0) <= amount_minor)
      );`);
    this.addSql(`create unique index red_envelope_shopper_idempotency_key_index on red_envelope (sender_shopper_id, idempotency_key) where sender_type = 'shopper';`);
    this.addSql(`create unique index red_envelope_merchant_idempotency_key_index on red_envelope (merchant_id, idempotency_key) where sender_type = 'merchant';`);
    this.addSql(`create index red_envelope_group_index on red_envelope (group_key, created_at desc);`);
    this.addSql(`create index red_envelope_merchant_index on red_envelope (merchant_id, created_at desc) where merchant_id is not null;`);
    // The sweeper's question: open envelopes past their deadline.
    this.addSql(`create index red_envelope_due_return_index on red_envelope (expires_at) where status = 'open';`);

    // The shares, drawn at creation, in claim order. One claimer per share and one share per claimer.
    this.addSql(`
      create table red_envelope_share (
        envelope_id uuid not null references red_envelope (id),
        position integer not null check (position >= 0),
        amount_minor bigint not null check (amount_minor > 0),
        claimed_by_shopper_id uuid references shopper (id),
        claimed_at timestamptz,
        claim_transfer_id uuid,
        primary key (envelope_id, position),
        constraint red_envelope_share_claim_check check ((claimed_by_shopper_id is null) = (claimed_at is null) and (claimed_at is null) = (claim_transfer_id is null))
      );`);
    this.addSql(`create unique index red_envelope_share_claimer_index on red_envelope_share (envelope_id, claimed_by_shopper_id);`);
    this.addSql(`create index red_envelope_share_unclaimed_index on red_envelope_share (envelope_id, position) where claimed_by_shopper_id is null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists red_envelope_share;');
    this.addSql('drop table if exists red_envelope;');
  }
}
