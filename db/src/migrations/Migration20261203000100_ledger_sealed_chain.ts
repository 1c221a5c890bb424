import { Migration } from '@mikro-orm/migrations';

/**
 * The ledger's chain is sealed after commit (docs/ledger.md §1, §5): writers append transfers without
 * `sequence`, `previous_hash` and `hash`, and the sealer fills them in later under the head lock, so no
 * business transaction takes the head. The append-only trigger becomes write-once: the only UPDATE it lets
 * through fills those three columns of an unsealed row, from null to a value, and changes nothing else.
 * `append_order` (a sequence, taken at insert without any lock) is the order the sealer seals in: rows of one
 * batch stay in their batch order, and a row always follows the rows it depends on (a pending before its
 * post, an original before its correction), because those committed before it was written.
 */
export class Migration20261203000100_ledger_sealed_chain extends Migration {
  override async up(): Promise<void> {
    // Rows already there are sealed, so their append_order is never read: the rewrite numbers them as it goes.
    this.addSql(`
      create sequence ledger_transfer_append_order_seq;
      alter table ledger_transfer add column append_order bigint not null default nextval('ledger_transfer_append_order_seq');
      alter sequence ledger_transfer_append_order_seq owned by ledger_transfer.append_order;
      alter table ledger_transfer alter column sequence drop not null;
      alter table ledger_transfer alter column previous_hash drop not null;
      alter table ledger_transfer alter column hash drop not null;
      alter table ledger_transfer add constraint ledger_transfer_sealed_together
        check ((sequence is null) = (hash is null) and (sequence is null) = (previous_hash is null));
      create index ledger_transfer_unsealed_index on ledger_transfer (append_order) where sequence is null;`);
    this.addSql(`
      create function ledger_transfer_write_once() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE'
           and old.sequence is null and old.previous_hash is null and old.hash is null
           and new.sequence is not null and new.previous_hash is not null and new.hash is not null
           and (to_jsonb(new) - array['sequence', 'previous_hash', 'hash']) = (to_jsonb(old) - array['sequence', 'previous_hash', 'hash']) then
          return new;
        end if;
        raise exception 'ledger_transfer is append-only: % refused', tg_op using errcode = 'P0001',
          hint = 'Record a correcting transfer instead; only the sealer fills in an unsealed row''s chain columns, once.';
      end;
      $$;
      drop trigger ledger_transfer_append_only on ledger_transfer;
      create trigger ledger_transfer_append_only before update or delete on ledger_transfer
        for each row execute function ledger_transfer_write_once();`);
  }
}
