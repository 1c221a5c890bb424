import { Migration } from '@mikro-orm/migrations';

/**
 * `outbox.published_sequence` is null until the relay publishes a row, and the unique constraint on it indexed
 * those nulls too: every outbox row paid an index entry at insert that no query reads (each reader asks for
 * positions after a given one, or the smallest, which imply `is not null`), two per paid order. The same
 * uniqueness now holds on published rows only, like the replay indexes beside it.
 */
export class Migration20261206000500_outbox_published_sequence_partial extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table outbox drop constraint outbox_published_sequence_key;');
    this.addSql('create unique index outbox_published_sequence_key on outbox (published_sequence) where published_sequence is not null;');
  }

  override async down(): Promise<void> {
    this.addSql('drop index outbox_published_sequence_key;');
    this.addSql('alter table outbox add constraint outbox_published_sequence_key unique (published_sequence);');
  }
}
