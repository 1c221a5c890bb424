import { Migration } from '@mikro-orm/migrations';

/**
 * Delivery (docs/delivery.md): shipments of an order with their lines, the append-only history of
 * tracking events, the couriers of a merchant's own fleet and the inbox of carrier webhooks.
 */
export class Migration20261202000500_shipments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table order_line add constraint order_line_id_merchant_unique unique (id, merchant_id);`);

    // A courier signs in with a token the merchant issues; only its SHA-256 is kept.
    this.addSql(`
      create table courier (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        name text not null check (length(btrim(name)) between 1 and 120),
        phone text check (phone is null or length(phone) <= 40),
        active boolean not null default true,
        token_hash text unique,
        token_issued_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (id, merchant_id)
      );
      create index courier_merchant_index on courier (merchant_id, created_at);`);

    // The status is that of the newest tracking event by happened_at (status_at); delivered and returned
    // are final. The last position only moves forward in time (last_position_at).
    this.addSql(`
      create table shipment (
        id uuid primary key,
        merchant_id uuid not null,
        order_id uuid not null,
        carrier text not null check (length(btrim(carrier)) between 1 and 100),
        tracking_number text check (tracking_number is null or length(tracking_number) between 1 and 100),
        tracking_url text check (tracking_url is null or length(tracking_url) <= 2000),
        status text not null check (status in ('label_created', 'confirmed', 'picked_up', 'in_transit', 'out_for_delivery',
          'attempted_delivery', 'delayed', 'ready_for_pickup', 'delivered', 'failure', 'returned')),
        status_at timestamptz not null,
        courier_id uuid,
        destination_latitude double precision check (destination_latitude between -90 and 90),
        destination_longitude double precision check (destination_longitude between -180 and 180),
        last_latitude double precision check (last_latitude between -90 and 90),
        last_longitude double precision check (last_longitude between -180 and 180),
        last_accuracy_meters double precision check (last_accuracy_meters >= 0),
        last_position_at timestamptz,
        eta_at timestamptz,
        left_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (order_id, merchant_id) references shop_order (id, merchant_id),
        foreign key (courier_id, merchant_id) references courier (id, merchant_id),
        unique (id, merchant_id),
        check ((destination_latitude is null) = (destination_longitude is null)),
        check ((last_latitude is null) = (last_position_at is null) and (last_longitude is null) = (last_position_at is null))
      );
      create index shipment_order_index on shipment (order_id);
      create index shipment_merchant_index on shipment (merchant_id, created_at);
      create index shipment_courier_index on shipment (courier_id) where courier_id is not null;
      -- Carrier webhooks find their shipment by (carrier, tracking number).
      create unique index shipment_carrier_tracking_number_unique on shipment (lower(carrier), tracking_number) where tracking_number is not null;`);

    this.addSql(`
      create table shipment_line (
        shipment_id uuid not null,
        order_line_id uuid not null,
        merchant_id uuid not null,
        quantity integer not null check (quantity > 0),
        primary key (shipment_id, order_line_id),
        foreign key (shipment_id, merchant_id) references shipment (id, merchant_id) on delete cascade,
        foreign key (order_line_id, merchant_id) references order_line (id, merchant_id)
      );
      create index shipment_line_order_line_index on shipment_line (order_line_id);`);

    // Append-only: a repeated event (same source and source event id) is refused by the unique key and
    // changes nothing; applied says whether it moved the shipment (false: older than what was known).
    this.addSql(`
      create table tracking_event (
        id uuid primary key,
        shipment_id uuid not null,
        merchant_id uuid not null,
        order_id uuid not null,
        status text not null check (status in ('label_created', 'confirmed', 'picked_up', 'in_transit', 'out_for_delivery',
          'attempted_delivery', 'delayed', 'ready_for_pickup', 'delivered', 'failure', 'returned')),
        happened_at timestamptz not null,
        message text not null default '' check (length(message) <= 1000),
        latitude double precision check (latitude between -90 and 90),
        longitude double precision check (longitude between -180 and 180),
        accuracy_meters double precision check (accuracy_meters >= 0),
        eta_at timestamptz,
        source text not null check (source ~ '^(merchant|courier|carrier:[a-z0-9][a-z0-9_-]{0,39})$'),
        source_event_id text not null check (length(source_event_id) between 1 and 200),
        applied boolean not null,
        recorded_at timestamptz not null default now(),
        foreign key (shipment_id, merchant_id) references shipment (id, merchant_id),
        check ((latitude is null) = (longitude is null)),
        unique (source, source_event_id)
      );
      create index tracking_event_shipment_index on tracking_event (shipment_id, happened_at);
      create function tracking_event_append_only() returns trigger language plpgsql as $$
        begin raise exception 'tracking_event is append-only'; end $$;
      create trigger tracking_event_append_only before update or delete on tracking_event
        for each row execute function tracking_event_append_only();`);

    // The carrier webhook inbox: stored before the 2xx, processed by the carrier.process_event job.
    this.addSql(`
      create table carrier_webhook_event (
        id uuid primary key,
        carrier text not null,
        event_id text not null check (length(event_id) between 1 and 200),
        payload jsonb not null,
        delivery_count integer not null default 1,
        received_at timestamptz not null default now(),
        last_delivered_at timestamptz not null default now(),
        processed_at timestamptz,
        outcome text check (outcome in ('recorded', 'duplicate', 'stale', 'shipment_not_found', 'ignored')),
        last_error text,
        unique (carrier, event_id)
      );
      create index carrier_webhook_event_unprocessed_index on carrier_webhook_event (received_at) where processed_at is null;`);
  }
}
