import { Migration } from '@mikro-orm/migrations';

/**
 * An order and a stock movement named their merchant twice: a foreign key to `merchant` and a composite one
 * (`shop_id, merchant_id` to the shop; `variant_id, merchant_id` to the variant) whose target row itself
 * references `merchant`. The composite key already proves the merchant exists and owns the shop or variant,
 * and no merchant can be deleted while a shop or variant of theirs stands, so the direct key guarded nothing.
 *
 * It cost every checkout and every payment: a foreign-key check locks the referenced row `for key share`, and
 * a shop's merchant row is the one row every concurrent order of the shop shares, so each of those locks made
 * a new MultiXact (a lock shared by several transactions, written to the WAL and looked up by each later
 * locker) and a row-lock WAL record. `pg_waldump` over a checkout run at 32 shoppers: 1.9 row locks and 2.4
 * MultiXacts per paid order on the merchant row; 270 fewer WAL bytes per order without them.
 */
export class Migration20261206000400_merchant_proven_by_composite_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table shop_order drop constraint shop_order_merchant_id_fkey;');
    this.addSql('alter table stock_movement drop constraint stock_movement_merchant_id_fkey;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table shop_order add constraint shop_order_merchant_id_fkey foreign key (merchant_id) references merchant (id);');
    this.addSql('alter table stock_movement add constraint stock_movement_merchant_id_fkey foreign key (merchant_id) references merchant (id);');
  }
}
