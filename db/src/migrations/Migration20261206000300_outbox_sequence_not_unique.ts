import { Migration } from '@mikro-orm/migrations';

/**
 * `outbox.sequence` is an identity column (`generated always`): PostgreSQL hands out each value once and
 * refuses values given by hand, so the unique index beside it guarded nothing, while every outbox row paid an
 * entry in it at insert and another when the relay marked it published (a non-HOT update: `published_at` and
 * `published_sequence` are indexed), four index entries per paid order. The relay's claim reads `sequence`
 * through `outbox_unpublished_index`; nothing else looks a row up by it.
 */
export class Migration20261206000300_outbox_sequence_not_unique extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table outbox drop constraint outbox_sequence_key;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table outbox add constraint outbox_sequence_key unique (sequence);');
  }
}
