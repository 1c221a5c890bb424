import { Migration } from '@mikro-orm/migrations';

/**
 * Issue #8 items 7 and 8 (docs/webhooks.md, docs/notifications.md): merchants' webhook endpoints, one
 * delivery per (endpoint, outbox event) with its log of attempts, and the notifications sent to shoppers
 * through their chat, one per (event, shopper).
 */
export class Migration20261202000800_webhooks_notifications extends Migration {
  override async up(): Promise<void> {
    // The signing secret is kept in the clear because signing needs it, like a chat host's secret.
    this.addSql(`
      create table webhook_endpoint (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        url text not null check (length(url) between 8 and 2048),
        description text not null default '' check (length(description) <= 500),
        events text[] not null check (cardinality(events) between 1 and 100),
        secret text not null check (length(secret) between 32 and 200),
        status text not null default 'enabled' check (status in ('enabled', 'disabled')),
        disabled_reason text,
        disabled_at timestamptz,
        -- The current run of failed attempts; a success resets it. Long runs disable the endpoint.
        consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
        failing_since timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (merchant_id, id),
        check ((status = 'disabled') = (disabled_at is not null))
      );
      create index webhook_endpoint_merchant_index on webhook_endpoint (merchant_id, created_at);`);

    // The body is frozen at fan-out, so a retry or a replay sends the same bytes (with a fresh signature).
    this.addSql(`
      create table webhook_delivery (
        id uuid primary key,
        merchant_id uuid not null,
        endpoint_id uuid not null,
        event_id uuid not null,
        event_type text not null,
        body text not null,
        status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
        attempt_count integer not null default 0 check (attempt_count >= 0),
        next_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        delivered_at timestamptz,
        replay_count integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (merchant_id, endpoint_id) references webhook_endpoint (merchant_id, id) on delete cascade,
        unique (endpoint_id, event_id),
        check ((status = 'pending') = (next_attempt_at is not null))
      );
      create index webhook_delivery_merchant_index on webhook_delivery (merchant_id, created_at);
      create index webhook_delivery_endpoint_index on webhook_delivery (endpoint_id, created_at);
      create index webhook_delivery_due_index on webhook_delivery (next_attempt_at) where status = 'pending';`);

    this.addSql(`
      create table webhook_delivery_attempt (
        id uuid primary key,
        delivery_id uuid not null references webhook_delivery (id) on delete cascade,
        merchant_id uuid not null,
        attempt_number integer not null check (attempt_number > 0),
        started_at timestamptz not null,
        latency_ms integer,
        status_code integer,
        response_excerpt text,
        error text,
        succeeded boolean not null,
        created_at timestamptz not null default now(),
        unique (delivery_id, attempt_number)
      );`);

    // Notifications: a host chat may name where to receive them; the shopper's language picks the text.
    this.addSql(`
      alter table chat_host add column notification_url text check (notification_url is null or length(notification_url) between 8 and 2048);
      alter table chat_host add column notification_secret text check (notification_secret is null or length(notification_secret) between 32 and 200);
      alter table shopper add column language text check (language is null or language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');`);

    this.addSql(`
      create table shopper_notification (
        id uuid primary key,
        event_id uuid not null,
        shopper_id uuid not null references shopper (id),
        merchant_id uuid,
        kind text not null,
        channel text check (channel in ('telegram', 'host')),
        language text not null,
        text text not null,
        status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'skipped', 'failed')),
        attempt_count integer not null default 0,
        external_id text,
        last_error text,
        sent_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (event_id, shopper_id)
      );
      create index shopper_notification_shopper_index on shopper_notification (shopper_id, created_at);`);
  }
}
