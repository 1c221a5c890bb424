import { Migration } from '@mikro-orm/migrations';

/** Orders (with their lines, events and refunds) and the transactional outbox. */
export class Migration20261122000600_orders extends Migration {
  override async up(): Promise<void> {
    // `order` is a reserved word; `shop_order` spares every raw query the quoting. The request that
    // created an order is kept whole, so that a retry with the same Idempotency-Key but another body
    // can be answered with the field that differs.
    this.addSql(`
      create table shop_order (
        id uuid primary key,
        number bigint generated always as identity unique,
        merchant_id uuid not null references merchant (id),
        shop_id uuid not null,
        shopper_id uuid not null references shopper (id),
        status text not null check (status in
          ('pending_payment', 'paid', 'packed', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded', 'partially_refunded')),
        currency char(3) not null,
        item_count integer not null check (item_count > 0),
        total_minor bigint not null check (total_minor >= 0),
        refunded_minor bigint not null default 0,
        source text not null check (source in ('cart', 'buy_now')),
        cart_id uuid,
        payment_method text check (payment_method in ('wallet', 'card')),
        -- The ledger transfer that moved the money into escrow: refunds reverse it.
        payment_transfer_id uuid,
        -- The card processor's payment for card orders: card refunds name it.
        payment_intent_id text,
        idempotency_key text,
        idempotency_request jsonb not null,
        payment_due_at timestamptz not null,
        paid_at timestamptz,
        packed_at timestamptz,
        shipped_at timestamptz,
        delivered_at timestamptz,
        completed_at timestamptz,
        cancelled_at timestamptz,
        cancellation_reason text check (cancellation_reason in ('payment_timeout', 'shopper', 'merchant')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (shop_id, merchant_id) references shop (id, merchant_id),
        unique (id, merchant_id),
        unique (shopper_id, idempotency_key),
        check (refunded_minor between 0 and total_minor),
        check ((status = 'cancelled') = (cancelled_at is not null))
      );
      create index shop_order_merchant_id_index on shop_order (merchant_id, created_at);
      create index shop_order_merchant_id_status_index on shop_order (merchant_id, status, created_at);
      create index shop_order_shopper_id_index on shop_order (shopper_id, created_at);
      create index shop_order_payment_due_index on shop_order (payment_due_at) where status = 'pending_payment';`);

    this.addSql(`
      create table order_line (
        id uuid primary key,
        order_id uuid not null,
        merchant_id uuid not null,
        position integer not null,
        variant_id uuid not null,
        product_id uuid not null,
        sku text not null,
        product_title text not null,
        variant_title text not null,
        unit_price_minor bigint not null check (unit_price_minor >= 0),
        quantity integer not null check (quantity > 0),
        line_total_minor bigint not null,
        refunded_quantity integer not null default 0,
        refunded_minor bigint not null default 0,
        foreign key (order_id, merchant_id) references shop_order (id, merchant_id) on delete cascade,
        foreign key (variant_id, merchant_id) references variant (id, merchant_id),
        unique (order_id, variant_id),
        check (line_total_minor = unit_price_minor * quantity),
        check (refunded_quantity between 0 and quantity),
        check (refunded_minor between 0 and line_total_minor)
      );
      create index order_line_variant_id_index on order_line (variant_id);`);

    this.addSql(`
      create table order_event (
        id uuid primary key,
        order_id uuid not null,
        merchant_id uuid not null,
        type text not null check (type in ('status_changed', 'refunded')),
        from_status text,
        to_status text not null,
        actor_type text not null check (actor_type in ('staff', 'api_key', 'operator', 'system', 'shopper')),
        actor_id uuid,
        note text not null default '',
        data jsonb not null default '{}',
        created_at timestamptz not null default now(),
        foreign key (order_id, merchant_id) references shop_order (id, merchant_id) on delete cascade
      );
      create index order_event_order_id_index on order_event (order_id, created_at);`);

    this.addSql(`
      create table order_refund (
        id uuid primary key,
        order_id uuid not null,
        merchant_id uuid not null,
        amount_minor bigint not null check (amount_minor > 0),
        currency char(3) not null,
        method text not null check (method in ('wallet', 'card')),
        status text not null check (status in ('pending', 'succeeded', 'failed')),
        reason text not null default '',
        lines jsonb not null default '[]',
        restocked boolean not null default false,
        idempotency_key text,
        idempotency_request jsonb not null,
        external_reference text,
        actor_type text not null check (actor_type in ('staff', 'api_key', 'operator', 'system', 'shopper')),
        actor_id uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (order_id, merchant_id) references shop_order (id, merchant_id) on delete cascade,
        unique (order_id, idempotency_key)
      );
      create index order_refund_merchant_id_index on order_refund (merchant_id, created_at);`);

    // The outbox: rows commit with the state change that caused them; the relay publishes them.
    this.addSql(`
      create table outbox (
        id uuid primary key,
        sequence bigint generated always as identity unique,
        type text not null check (type ~ '^[a-z_]+\\.[a-z_]+$'),
        aggregate_type text not null,
        aggregate_id uuid not null,
        merchant_id uuid,
        payload jsonb not null default '{}',
        jobs jsonb not null default '[]',
        created_at timestamptz not null default now(),
        published_at timestamptz,
        publish_attempts integer not null default 0,
        last_error text
      );
      create index outbox_unpublished_index on outbox (sequence) where published_at is null;
      create index outbox_published_at_index on outbox (published_at) where published_at is not null;`);
  }
}
