import { Migration } from '@mikro-orm/migrations';

/**
 * Issue #11 items 1 and 4 (docs/social.md §3-§4): share links, the opens they bring (touches), the
 * orders those opens lead to (attribution) and the referrer's commission on each. Money moves only in
 * the ledger; these tables say who is owed what and which transfer paid it.
 */
export class Migration20261203000400_share_links_referrals extends Migration {
  override async up(): Promise<void> {
    // Per shop: the commission on attributed orders (basis points of the goods; 0 = no commission) and
    // how long an open keeps counting (last touch within the window wins).
    this.addSql(`
      alter table shop
        add column referral_commission_basis_points integer not null default 0 check (referral_commission_basis_points between 0 and 5000),
        add column referral_window_days integer not null default 7 check (referral_window_days between 1 and 90);`);

    // kind is checked by the API's schema, not here: a new kind (a group buy) needs no migration.
    // target_id: the product (or group buy) shared; null for the shop itself. sharer_shopper_id null: a
    // merchant's link, which attributes nothing.
    this.addSql(`
      create table share_link (
        id uuid primary key,
        code text not null unique check (code ~ '^[A-Za-z0-9]{10}$'),
        kind text not null check (length(kind) between 1 and 40),
        shop_id uuid not null references shop (id),
        merchant_id uuid not null references merchant (id),
        target_id uuid,
        sharer_shopper_id uuid references shopper (id),
        created_at timestamptz not null default now(),
        constraint share_link_one_per_target unique nulls not distinct (sharer_shopper_id, kind, shop_id, target_id)
      );`);

    // One row per signed-in open of a share link by someone other than its sharer (append-only).
    this.addSql(`
      create table share_touch (
        id uuid primary key,
        share_link_id uuid not null references share_link (id),
        shop_id uuid not null references shop (id),
        sharer_shopper_id uuid not null references shopper (id),
        shopper_id uuid not null references shopper (id),
        touched_at timestamptz not null default now(),
        check (sharer_shopper_id <> shopper_id)
      );
      create index share_touch_last_touch_index on share_touch (shopper_id, shop_id, touched_at desc);
      create index share_touch_share_link_index on share_touch (share_link_id);`);

    // One row per attributed order. commission_minor and transfer_id are set when the order settles;
    // taken_back_minor / merchant_borne_minor grow with refunds after that (docs/social.md §4).
    this.addSql(`
      create table referral_commission (
        order_id uuid primary key references shop_order (id),
        merchant_id uuid not null references merchant (id),
        shop_id uuid not null references shop (id),
        referrer_shopper_id uuid not null references shopper (id),
        shopper_id uuid not null references shopper (id),
        share_link_id uuid not null references share_link (id),
        touched_at timestamptz not null,
        basis_points integer not null check (basis_points between 0 and 5000),
        currency text not null,
        status text not null default 'pending' check (status in ('pending', 'paid', 'cancelled')),
        commission_minor bigint check (commission_minor >= 0),
        transfer_id uuid,
        taken_back_minor bigint not null default 0 check (taken_back_minor >= 0),
        merchant_borne_minor bigint not null default 0 check (merchant_borne_minor >= 0),
        paid_at timestamptz,
        cancelled_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check ((status = 'paid') = (paid_at is not null)),
        check (taken_back_minor + merchant_borne_minor <= coalesce(commission_minor, 0))
      );
      create index referral_commission_referrer_index on referral_commission (referrer_shopper_id, created_at desc);
      create index referral_commission_merchant_index on referral_commission (merchant_id, created_at desc);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table referral_commission; drop table share_touch; drop table share_link;');
    this.addSql('alter table shop drop column referral_commission_basis_points, drop column referral_window_days;');
  }
}
