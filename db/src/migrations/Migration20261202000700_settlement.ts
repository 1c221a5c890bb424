import { Migration } from '@mikro-orm/migrations';

/**
 * Issue #8 item 5 (docs/orders.md §10): receipt confirmation, automatic confirmation after delivery and
 * settlement of completed orders to the merchant, less the platform fee.
 */
export class Migration20261202000700_settlement extends Migration {
  override async up(): Promise<void> {
    // Days after delivery until receipt is confirmed automatically. New shops take ORDER_AUTO_CONFIRM_DAYS
    // (ShopsService); existing shops the same default of 7.
    this.addSql(`alter table shop add column auto_confirm_days integer not null default 7 check (auto_confirm_days between 0 and 90);`);

    // The platform fee rate the operator set for this merchant; null: PLATFORM_FEE_BASIS_POINTS.
    this.addSql(`alter table merchant add column platform_fee_basis_points integer check (platform_fee_basis_points between 0 and 10000);`);

    // auto_confirm_at: when a delivered order completes by itself (fixed at delivery).
    // settled_at and the amounts: what the settlement paid, written in the transaction that posted it;
    // the refund after settlement reads them to return the fee share.
    this.addSql(`
      alter table shop_order
        add column auto_confirm_at timestamptz,
        add column settled_at timestamptz,
        add column settled_gross_minor bigint check (settled_gross_minor >= 0),
        add column platform_fee_minor bigint check (platform_fee_minor >= 0),
        add column platform_fee_basis_points integer check (platform_fee_basis_points between 0 and 10000),
        add constraint shop_order_settlement_check check ((settled_at is null) = (settled_gross_minor is null) and (settled_at is null) = (platform_fee_minor is null)),
        add constraint shop_order_settled_fee_check check (platform_fee_minor <= settled_gross_minor);`);

    // The sweeper's two questions, each answered from a small partial index.
    this.addSql(`
      create index shop_order_auto_confirm_due_index on shop_order (auto_confirm_at) where completed_at is null and auto_confirm_at is not null;
      create index shop_order_unsettled_index on shop_order (completed_at) where completed_at is not null and settled_at is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop index if exists shop_order_unsettled_index;
      drop index if exists shop_order_auto_confirm_due_index;
      alter table shop_order drop constraint shop_order_settled_fee_check, drop constraint shop_order_settlement_check,
        drop column platform_fee_basis_points, drop column platform_fee_minor, drop column settled_gross_minor, drop column settled_at, drop column auto_confirm_at;
      alter table merchant drop column platform_fee_basis_points;
      alter table shop drop column auto_confirm_days;`);
  }
}
