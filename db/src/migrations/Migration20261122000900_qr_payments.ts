import { Migration } from '@mikro-orm/migrations';

/**
 * Issue #4's joining pieces (docs/qr-checkout.md): wallet top-ups by card, charges of shopper payment
 * codes at the counter, and counter orders (the paid order a counter charge becomes, without lines).
 */
export class Migration20261122000900_qr_payments extends Migration {
  override async up(): Promise<void> {
    // A counter charge is an amount, not a basket: its order has no lines and counts no items.
    this.addSql(`
      alter table shop_order drop constraint shop_order_source_check;
      alter table shop_order add constraint shop_order_source_check check (source in ('cart', 'buy_now', 'counter'));
      alter table shop_order drop constraint shop_order_item_count_check;
      alter table shop_order add constraint shop_order_item_count_check check (item_count > 0 or (source = 'counter' and item_count = 0));`);

    // One row per top-up the shopper starts; the card payment (payment_attempt) carries its id as reference.
    this.addSql(`
      create table wallet_top_up (
        id uuid primary key,
        shopper_id uuid not null references shopper (id),
        amount_minor bigint not null check (amount_minor > 0),
        currency char(3) not null check (currency = upper(currency)),
        status text not null default 'pending' check (status in ('pending', 'failed', 'succeeded')),
        payment_intent_id text unique,
        -- The ledger transfer card_clearing -> shopper_wallet, once Stripe said the money arrived.
        transfer_id uuid,
        failure_code text,
        idempotency_key text,
        idempotency_request jsonb not null,
        credited_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (shopper_id, idempotency_key),
        check ((status = 'succeeded') = (transfer_id is not null))
      );
      create index wallet_top_up_shopper_id_index on wallet_top_up (shopper_id, created_at);`);

    // A charge of a payment code. code_nonce is the consumed code: unique here as well as in Redis, so a
    // code pays once even if Redis lost its mark. Large charges hold the money (hold_transfer_id) until
    // the shopper confirms before confirm_by.
    this.addSql(`
      create table payment_code_charge (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        shop_id uuid not null,
        shopper_id uuid not null references shopper (id),
        amount_minor bigint not null check (amount_minor > 0),
        currency char(3) not null,
        status text not null check (status in ('awaiting_confirmation', 'succeeded', 'declined', 'expired')),
        code_nonce text not null unique,
        note text not null default '',
        order_id uuid,
        hold_transfer_id uuid,
        payment_transfer_id uuid,
        confirm_by timestamptz,
        resolved_at timestamptz,
        idempotency_key text not null,
        idempotency_request jsonb not null,
        actor_type text not null check (actor_type in ('staff', 'api_key', 'operator', 'system', 'shopper')),
        actor_id uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (shop_id, merchant_id) references shop (id, merchant_id),
        foreign key (order_id, merchant_id) references shop_order (id, merchant_id),
        unique (merchant_id, idempotency_key),
        check ((status = 'succeeded') = (order_id is not null)),
        check (status <> 'awaiting_confirmation' or (hold_transfer_id is not null and confirm_by is not null))
      );
      create index payment_code_charge_merchant_id_index on payment_code_charge (merchant_id, created_at);
      create index payment_code_charge_shopper_id_index on payment_code_charge (shopper_id, created_at);
      create index payment_code_charge_overdue_index on payment_code_charge (confirm_by) where status = 'awaiting_confirmation';`);
  }
}
