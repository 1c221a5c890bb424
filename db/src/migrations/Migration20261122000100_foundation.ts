import { Migration } from '@mikro-orm/migrations';

/** Merchants, staff and auth, shops and the catalog. */
export class Migration20261122000100_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);

    this.addSql(`
      create table merchant (
        id uuid primary key,
        name text not null check (length(name) between 1 and 200),
        status text not null default 'active' check (status in ('active', 'suspended')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

    this.addSql(`
      create table staff_user (
        id uuid primary key,
        email text not null unique check (email = lower(email)),
        name text not null,
        password_hash text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

    this.addSql(`
      create table membership (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        user_id uuid not null references staff_user (id),
        role text not null check (role in ('owner', 'manager', 'clerk', 'finance')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (merchant_id, user_id)
      );
      create index membership_user_id_index on membership (user_id);`);

    this.addSql(`
      create table invitation (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        email text not null check (email = lower(email)),
        role text not null check (role in ('owner', 'manager', 'clerk', 'finance')),
        token_hash text not null unique,
        invited_by_user_id uuid not null references staff_user (id),
        expires_at timestamptz not null,
        accepted_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );
      create index invitation_merchant_id_index on invitation (merchant_id);`);

    this.addSql(`
      create table operator (
        id uuid primary key,
        user_id uuid not null unique references staff_user (id),
        created_at timestamptz not null default now()
      );`);

    this.addSql(`
      create table refresh_token (
        id uuid primary key,
        user_id uuid not null references staff_user (id),
        merchant_id uuid references merchant (id),
        family_id uuid not null,
        token_hash text not null unique,
        expires_at timestamptz not null,
        replaced_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );
      create index refresh_token_family_id_index on refresh_token (family_id);
      create index refresh_token_expires_at_index on refresh_token (expires_at);`);

    this.addSql(`
      create table api_key (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        name text not null,
        prefix text not null,
        secret_hash text not null unique,
        role text not null check (role in ('owner', 'manager', 'clerk', 'finance')),
        created_by_user_id uuid not null references staff_user (id),
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );
      create index api_key_merchant_id_index on api_key (merchant_id);`);

    this.addSql(`
      create table shop (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        slug text not null unique check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
        name text not null check (length(name) between 1 and 200),
        description text not null default '',
        currency char(3) not null,
        status text not null default 'open' check (status in ('open', 'closed')),
        allowed_embed_origins text[] not null default '{}',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (id, merchant_id)
      );
      create index shop_merchant_id_index on shop (merchant_id, created_at);`);

    this.addSql(`
      create table category (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        shop_id uuid not null,
        name text not null check (length(name) between 1 and 200),
        position integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (shop_id, merchant_id) references shop (id, merchant_id),
        unique (id, merchant_id)
      );
      create index category_shop_id_index on category (shop_id, position);`);

    this.addSql(`
      create table product (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        shop_id uuid not null,
        category_id uuid,
        title text not null check (length(title) between 1 and 300),
        description text not null default '',
        status text not null default 'draft' check (status in ('draft', 'active', 'archived')),
        images jsonb not null default '[]',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (shop_id, merchant_id) references shop (id, merchant_id),
        foreign key (category_id, merchant_id) references category (id, merchant_id),
        unique (id, merchant_id)
      );
      create index product_shop_id_status_index on product (shop_id, status, created_at);
      create index product_merchant_id_index on product (merchant_id, created_at);
      create index product_category_id_index on product (category_id);
      create index product_title_trigram_index on product using gin (title gin_trgm_ops);`);

    this.addSql(`
      create table variant (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        product_id uuid not null,
        sku text not null check (length(sku) between 1 and 64),
        title text not null default '',
        price_minor bigint not null check (price_minor >= 0),
        stock_on_hand integer not null default 0 check (stock_on_hand >= 0),
        stock_reserved integer not null default 0 check (stock_reserved >= 0),
        position integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (product_id, merchant_id) references product (id, merchant_id),
        unique (merchant_id, sku),
        unique (id, merchant_id),
        check (stock_reserved <= stock_on_hand)
      );
      create index variant_product_id_index on variant (product_id, position);`);

    this.addSql(`
      create table stock_movement (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        variant_id uuid not null,
        quantity_delta integer not null check (quantity_delta <> 0),
        stock_on_hand_after integer not null check (stock_on_hand_after >= 0),
        reason text not null check (reason in ('initial', 'receipt', 'adjustment', 'damage', 'loss', 'return', 'sale', 'correction')),
        note text not null default '',
        actor_type text not null check (actor_type in ('staff', 'api_key', 'operator', 'system', 'shopper')),
        actor_id uuid,
        created_at timestamptz not null default now(),
        foreign key (variant_id, merchant_id) references variant (id, merchant_id)
      );
      create index stock_movement_variant_id_index on stock_movement (variant_id, created_at);
      create index stock_movement_merchant_id_index on stock_movement (merchant_id, created_at);`);
  }
}
