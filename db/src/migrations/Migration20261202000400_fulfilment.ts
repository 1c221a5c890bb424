import { Migration } from '@mikro-orm/migrations';

/**
 * Where an order goes (issue 8 item 0, docs/orders.md §10): the shopper's address book, what each shop
 * offers (delivery, pickup, table service) with its position, delivery area and fee rules, and on the
 * order the chosen method, the delivery fee and a snapshot of the address.
 */
export class Migration20261202000400_fulfilment extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table shopper_address (
        id uuid primary key,
        shopper_id uuid not null references shopper (id) on delete cascade,
        recipient text not null,
        phone text not null,
        line1 text not null,
        line2 text not null default '',
        city text not null,
        postal_code text not null,
        country char(2) not null check (country = upper(country)),
        latitude double precision check (latitude between -90 and 90),
        longitude double precision check (longitude between -180 and 180),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check ((latitude is null) = (longitude is null))
      );
      create index shopper_address_shopper_index on shopper_address (shopper_id, created_at);`);

    // Existing shops keep working as before: they offer pickup, which needs no address and costs nothing.
    this.addSql(`
      alter table shop
        add column fulfilment_methods text[] not null default '{pickup}'
          check (cardinality(fulfilment_methods) > 0 and fulfilment_methods <@ array['delivery', 'pickup', 'table']),
        add column position jsonb,
        add column delivery jsonb;`);

    // subtotal_minor is derived, so every writer of total_minor (checkout, counter orders) stays consistent
    // and total_minor = subtotal_minor + delivery_fee_minor holds by construction.
    this.addSql(`
      alter table shop_order
        add column fulfilment_method text not null default 'pickup' check (fulfilment_method in ('delivery', 'pickup', 'table')),
        add column delivery_fee_minor bigint not null default 0 check (delivery_fee_minor >= 0),
        add column subtotal_minor bigint generated always as (total_minor - delivery_fee_minor) stored,
        add column delivery_address jsonb,
        add column delivery_distance_meters integer check (delivery_distance_meters >= 0),
        add column table_label text,
        add constraint shop_order_delivery_fee_within_total check (delivery_fee_minor <= total_minor),
        add constraint shop_order_address_for_delivery check ((fulfilment_method = 'delivery') = (delivery_address is not null)),
        add constraint shop_order_table_for_table_service check ((fulfilment_method = 'table') = (table_label is not null)),
        add constraint shop_order_fee_for_delivery check (fulfilment_method = 'delivery' or delivery_fee_minor = 0);`);
  }
}
