import { Migration } from '@mikro-orm/migrations';

/** Card payments through Stripe: our payment attempts, the verified webhook inbox and the payment intent projection. */
export class Migration20261122000700_payments extends Migration {
  override async up(): Promise<void> {
    // One attempt per thing being paid for: the idempotency key `<purpose>:<referenceId>` is also the key
    // sent to Stripe, so a retry after a crash finds the same row and the same payment intent.
    this.addSql(`
      create table payment_attempt (
        id uuid primary key,
        purpose text not null check (purpose in ('order', 'wallet_top_up')),
        reference_id uuid not null,
        merchant_id uuid references merchant (id),
        shopper_id uuid not null references shopper (id),
        amount_minor bigint not null check (amount_minor > 0),
        currency char(3) not null check (currency = upper(currency)),
        status text not null default 'pending'
          check (status in ('pending', 'requires_action', 'processing', 'failed', 'succeeded', 'canceled')),
        idempotency_key text not null unique check (idempotency_key = purpose || ':' || reference_id::text),
        stripe_payment_intent_id text unique,
        failure_code text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (purpose, reference_id)
      );
      create index payment_attempt_shopper_id_index on payment_attempt (shopper_id, created_at);
      create index payment_attempt_merchant_id_index on payment_attempt (merchant_id, created_at) where merchant_id is not null;`);

    // What Stripe says about each payment intent, from its webhooks. Events arrive out of order, so the
    // row remembers the creation time of the event it reflects and ignores older ones.
    this.addSql(`
      create table payment_intent (
        id text primary key check (id like 'pi\\_%'),
        status text not null,
        amount_minor bigint not null check (amount_minor >= 0),
        currency char(3) not null,
        amount_received_minor bigint not null default 0 check (amount_received_minor >= 0),
        amount_refunded_minor bigint not null default 0 check (amount_refunded_minor >= 0),
        metadata jsonb not null default '{}',
        last_event_id text not null,
        last_event_created_at timestamptz not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

    // The inbox, keyed by Stripe's event id: a redelivered event finds its row and is not applied twice.
    this.addSql(`
      create table payment_webhook_event (
        id text primary key check (id like 'evt\\_%'),
        type text not null,
        object_id text,
        livemode boolean not null,
        api_version text,
        event_created_at timestamptz not null,
        payload jsonb not null,
        delivery_count integer not null default 1 check (delivery_count >= 1),
        received_at timestamptz not null default now(),
        last_delivered_at timestamptz not null default now(),
        processed_at timestamptz,
        last_error text,
        last_failed_at timestamptz
      );
      create index payment_webhook_event_unprocessed_index on payment_webhook_event (received_at) where processed_at is null;
      create index payment_webhook_event_object_id_index on payment_webhook_event (object_id, event_created_at);`);
  }
}
