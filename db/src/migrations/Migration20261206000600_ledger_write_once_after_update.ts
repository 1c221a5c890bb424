import { Migration } from '@mikro-orm/migrations';
import { NOT_A_SEAL } from './Migration20261206000200_ledger_write_once_when.ts';

/**
 * The write-once trigger on `ledger_transfer` updates runs after the row is written instead of before. A
 * BEFORE row trigger makes PostgreSQL lock the row it is about to update (`GetTupleForTrigger`) before the
 * trigger's WHEN condition is even read: every transfer the sealer sealed paid a row lock, with its WAL record,
 * that nothing needed (the sealer's rows are already serialised by the head's lock). An AFTER row trigger's
 * WHEN is read as the row is written and, when it is false (a seal), queues nothing. Any other update still
 * reaches `ledger_transfer_write_once()`, whose exception aborts the statement and its transaction, so no
 * change it refuses is ever committed: what the rule allows and refuses is the same as before.
 */
/** The update trigger again, run `before` or `after` the row is written; the rule it applies is the same. */
function appendOnlyTrigger(timing: 'before' | 'after'): string {
  return `
      drop trigger ledger_transfer_append_only on ledger_transfer;
      create trigger ledger_transfer_append_only ${timing} update on ledger_transfer
        for each row when (${NOT_A_SEAL})
        execute function ledger_transfer_write_once();`;
}

export class Migration20261206000600_ledger_write_once_after_update extends Migration {
  override async up(): Promise<void> {
    this.addSql(appendOnlyTrigger('after'));
  }

  override async down(): Promise<void> {
    this.addSql(appendOnlyTrigger('before'));
  }
}
