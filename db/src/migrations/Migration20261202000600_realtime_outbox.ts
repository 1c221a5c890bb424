import { Migration } from '@mikro-orm/migrations';

/**
 * Live updates (docs/realtime.md): published outbox rows get a position handed out by the relay in the
 * order they become visible, so a reconnecting WebSocket subscriber can resume after the last position
 * it saw. (The relay is woken after each commit through Redis, not by a NOTIFY trigger: NOTIFY serialises
 * the commits of every notifying transaction; docs/realtime.md has the measurements.)
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
  }
}
