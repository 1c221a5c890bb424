import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 7 items 1-4: money that leaves is safe under failure.
 * - Card refunds are an intent first (the order changes with the money, not before): a refund knows what
 *   it is (`kind`), which payment it gives back, and the failure the card processor reported.
 * - Refunds, payouts and top-ups carry their recovery state: how often the outside call was tried, the
 *   last error, and, once the sweeper gives up retrying, when and why an operator must look at it, and
 *   how the operator settled it.
 * - Payouts compare a retried request like every other money route (the request itself, not a hash),
 *   and a payout whose ledger hold timed out is `expired`.
 */
export class Migration20261202000100_money_recovery extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table order_refund
        add column kind text not null default 'refund' check (kind in ('refund', 'cancellation', 'late_payment')),
        add column payment_intent_id text,
        add column payment_transfer_id uuid,
        add column failure_code text,
        add column failure_message text,
        add column attempt_count integer not null default 0,
        add column last_attempt_at timestamptz,
        add column last_error text,
        add column needs_attention_at timestamptz,
        add column attention_reason text,
        add column attention_resolved_at timestamptz,
        add column attention_resolved_by text,
        add column attention_resolution text;
      create index order_refund_pending_index on order_refund (updated_at) where status = 'pending';
      create index order_refund_attention_index on order_refund (needs_attention_at) where needs_attention_at is not null;

      alter table order_event drop constraint order_event_type_check;
      alter table order_event add constraint order_event_type_check check (type in ('status_changed', 'refunded', 'refund_requested', 'refund_failed'));`);

    this.addSql(`
      alter table payout
        add column idempotency_request jsonb not null default '{}',
        add column attempt_count integer not null default 0,
        add column last_attempt_at timestamptz,
        add column last_error text,
        add column needs_attention_at timestamptz,
        add column attention_reason text,
        add column attention_resolved_at timestamptz,
        add column attention_resolved_by text,
        add column attention_resolution text,
        add column expired_at timestamptz,
        drop column request_hash;
      alter table payout drop constraint payout_status_check;
      alter table payout add constraint payout_status_check check (status in ('pending', 'posted', 'voided', 'expired'));
      alter table payout add constraint payout_expired_at_check check ((status = 'expired') = (expired_at is not null));
      create index payout_pending_index on payout (updated_at) where status = 'pending';
      create index payout_attention_index on payout (needs_attention_at) where needs_attention_at is not null;`);

    this.addSql(`
      alter table wallet_top_up
        add column attempt_count integer not null default 0,
        add column last_attempt_at timestamptz,
        add column last_error text,
        add column needs_attention_at timestamptz,
        add column attention_reason text,
        add column attention_resolved_at timestamptz,
        add column attention_resolved_by text,
        add column attention_resolution text;
      create index wallet_top_up_pending_index on wallet_top_up (updated_at) where status = 'pending';
      create index wallet_top_up_attention_index on wallet_top_up (needs_attention_at) where needs_attention_at is not null;`);
  }
}
