import { Migration } from '@mikro-orm/migrations';

/** Shoppers and the chat identities that prove who they are, the chat hosts that vouch for them, and carts. */
export class Migration20261122000500_shoppers_carts_qr extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table shopper (
        id uuid primary key,
        display_name text not null check (length(display_name) between 1 and 200),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

    // The secret is kept in the clear because verifying a host's HS256 token needs it, unlike a password.
    this.addSql(`
      create table chat_host (
        id uuid primary key,
        name text not null check (length(name) between 1 and 200),
        secret text not null check (length(secret) between 32 and 512),
        status text not null default 'active' check (status in ('active', 'suspended')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

    // One row per proof a shopper can sign in with; a subject is unique per provider (and per host).
    this.addSql(`
      create table shopper_identity (
        id uuid primary key,
        shopper_id uuid not null references shopper (id),
        provider text not null check (provider in ('telegram', 'host', 'guest')),
        chat_host_id uuid references chat_host (id),
        subject text not null check (length(subject) between 1 and 200),
        created_at timestamptz not null default now(),
        last_signed_in_at timestamptz not null default now(),
        check ((provider = 'host') = (chat_host_id is not null)),
        unique nulls not distinct (provider, chat_host_id, subject)
      );
      create index shopper_identity_shopper_id_index on shopper_identity (shopper_id);`);

    // Carts and their lines vanish with the shop or variant they point at: they are wishes, not records.
    this.addSql(`
      create table cart (
        id uuid primary key,
        shopper_id uuid not null references shopper (id),
        shop_id uuid not null,
        merchant_id uuid not null references merchant (id),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (shop_id, merchant_id) references shop (id, merchant_id) on delete cascade,
        unique (shopper_id, shop_id),
        unique (id, merchant_id)
      );
      create index cart_shop_id_index on cart (shop_id);`);

    this.addSql(`
      create table cart_line (
        id uuid primary key,
        cart_id uuid not null,
        merchant_id uuid not null,
        variant_id uuid not null,
        quantity integer not null check (quantity between 1 and 99),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (cart_id, merchant_id) references cart (id, merchant_id) on delete cascade,
        foreign key (variant_id, merchant_id) references variant (id, merchant_id) on delete cascade,
        unique (cart_id, variant_id)
      );
      create index cart_line_variant_id_index on cart_line (variant_id);`);
  }
}
