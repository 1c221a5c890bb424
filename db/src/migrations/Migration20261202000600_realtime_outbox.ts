import { Migration } from '@mikro-orm/migrations';

/**
 * Live updates (docs/realtime.md): published outbox rows get a position handed out by the relay in the
 * order they become visible, so a reconnecting WebSocket subscriber can resume after the last position
 * it saw; an insert trigger wakes the relay at commit instead of it polling.
 */
export class Migration20261202000600_realtime_outbox extends Migration {
  override async up(): Promise<void> {
    // `outbox.sequence` is taken at insert time, so two transactions can commit in the other order; the
    // relay assigns this one while it holds the publishing lock, which is commit (visibility) order.
    this.addSql(`
      create sequence outbox_published_sequence as bigint;
      alter table outbox add column published_sequence bigint unique;`);

    // Replay reads the rows of one order (or one merchant) after a position: both by index.
    this.addSql(`
      create index outbox_order_replay_index on outbox ((payload ->> 'orderId'), published_sequence) where published_sequence is not null;
      create index outbox_merchant_replay_index on outbox (merchant_id, published_sequence) where published_sequence is not null;`);

    // NOTIFY is delivered when the inserting transaction commits, and only then: exactly "wake on commit".
    // One statement-level notification with a constant payload, which PostgreSQL folds per transaction.
    this.addSql(`
      create function outbox_notify_relay() returns trigger language plpgsql as $$
      begin
        perform pg_notify('outbox_inserted', '');
        return null;
      end
      $$;
      create trigger outbox_notify_relay after insert on outbox for each statement execute function outbox_notify_relay();`);
  }
}
