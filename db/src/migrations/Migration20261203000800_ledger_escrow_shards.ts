import { Migration } from '@mikro-orm/migrations';

/**
 * Escrow is split into sub-accounts (docs/ledger.md §5), so that payments of different orders do not queue
 * on one escrow row per currency. An account's identity gains `shard` (0 for every account but escrow's
 * sub-accounts): the existing escrow row of each currency becomes shard 0, no money moves and no transfer is
 * rewritten. Orders paid before the change keep settling and refunding from shard 0, because those recipes
 * read the escrow account from the order's payment leg.
 */
export class Migration20261203000800_ledger_escrow_shards extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table ledger_account add column shard smallint not null default 0;
      alter table ledger_account add constraint ledger_account_shard_of_escrow check (shard = 0 or (kind = 'escrow' and shard > 0));
      alter table ledger_account drop constraint ledger_account_identity;
      alter table ledger_account add constraint ledger_account_identity unique nulls not distinct (kind, currency, owner_id, shard);`);
  }
}
