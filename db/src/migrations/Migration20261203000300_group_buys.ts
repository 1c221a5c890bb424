import { Migration } from '@mikro-orm/migrations';

/**
 * Issue #11 item 2 (docs/social.md §2): group buys. A merchant's offer (team price, team size, window,
 * cap on teams) for one variant; teams opened by a shopper and joined by friends, each member's money
 * held on the ledger (wallet -> escrow, pending) until the team forms (every hold posts, every member's
 * order is written `paid`) or the window closes (every hold voided, the team's stock released), once.
 */
export class Migration20261203000300_group_buys extends Migration {
  override async up(): Promise<void> {
    // opened_teams: the running count the cap is checked against, raised by a conditional update.
    this.addSql(`
      create table group_buy (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        shop_id uuid not null references shop (id),
        variant_id uuid not null references variant (id),
        currency text not null,
        team_price_minor bigint not null check (team_price_minor > 0),
        team_size integer not null default 2 check (team_size between 2 and 50),
        window_seconds integer not null default 86400 check (window_seconds between 1 and 2592000),
        team_cap integer not null check (team_cap between 1 and 100000),
        opened_teams integer not null default 0 check (opened_teams between 0 and team_cap),
        status text not null default 'active' check (status in ('active', 'ended')),
        idempotency_key text not null,
        idempotency_request jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`create unique index group_buy_idempotency_key_index on group_buy (merchant_id, idempotency_key);`);
    this.addSql(`create index group_buy_merchant_index on group_buy (merchant_id, created_at desc);`);

    // member_count: raised by a conditional update under the team's row lock, never past team_size.
    // The team's stock (team_size units of the variant) is reserved when it opens.
    this.addSql(`
      create table group_buy_team (
        id uuid primary key,
        group_buy_id uuid not null references group_buy (id),
        merchant_id uuid not null references merchant (id),
        leader_shopper_id uuid not null references shopper (id),
        team_size integer not null check (team_size >= 2),
        member_count integer not null default 0 check (member_count between 0 and team_size),
        status text not null default 'open' check (status in ('open', 'formed', 'expired')),
        expires_at timestamptz not null,
        formed_at timestamptz,
        expired_at timestamptz,
        idempotency_key text not null,
        idempotency_request jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint group_buy_team_formed_check check ((status = 'formed') = (formed_at is not null) and (status <> 'formed' or member_count = team_size)),
        constraint group_buy_team_expired_check check ((status = 'expired') = (expired_at is not null))
      );`);
    this.addSql(`create unique index group_buy_team_idempotency_key_index on group_buy_team (leader_shopper_id, idempotency_key);`);
    this.addSql(`create index group_buy_team_offer_index on group_buy_team (group_buy_id, created_at desc);`);
    // The sweeper's question: open teams past their window.
    this.addSql(`create index group_buy_team_due_expiry_index on group_buy_team (expires_at) where status = 'open';`);

    // One row per member; the unique (team, shopper) key refuses a second seat to the same shopper.
    this.addSql(`
      create table group_buy_member (
        team_id uuid not null references group_buy_team (id),
        shopper_id uuid not null references shopper (id),
        position integer not null check (position >= 0),
        hold_transfer_id uuid not null,
        order_id uuid references shop_order (id),
        payment_transfer_id uuid,
        release_transfer_id uuid,
        joined_at timestamptz not null default now(),
        primary key (team_id, shopper_id),
        constraint group_buy_member_outcome_check check (order_id is null or release_transfer_id is null),
        constraint group_buy_member_payment_check check ((order_id is null) = (payment_transfer_id is null))
      );`);
    this.addSql(`create unique index group_buy_member_position_index on group_buy_member (team_id, position);`);
    this.addSql(`create index group_buy_member_shopper_index on group_buy_member (shopper_id, joined_at desc);`);

    // GET /ws replays a team's topic (resource/group-buy-teams/<id>) from its outbox events.
    this.addSql(`create index outbox_group_buy_team_replay_index on outbox (aggregate_id, published_sequence) where aggregate_type = 'group_buy_team' and published_sequence is not null;`);

    // Members' orders are written when the team forms, at the team price, already paid.
    this.addSql(`
      alter table shop_order drop constraint shop_order_source_check;
      alter table shop_order add constraint shop_order_source_check check (source in ('cart', 'buy_now', 'counter', 'group_buy'));`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists outbox_group_buy_team_replay_index;');
    this.addSql(`alter table shop_order drop constraint shop_order_source_check;`);
    this.addSql(`alter table shop_order add constraint shop_order_source_check check (source in ('cart', 'buy_now', 'counter'));`);
    this.addSql('drop table if exists group_buy_member;');
    this.addSql('drop table if exists group_buy_team;');
    this.addSql('drop table if exists group_buy;');
  }
}
