import { Migration } from '@mikro-orm/migrations';

/**
 * Issue #9 item 4 (docs/console-api.md §2): uploaded product photos. The files (a few widths, WebP and
 * JPEG, content-hashed names) live in the media store; a row keeps their keys per width and format.
 */
export class Migration20261202001300_product_photos extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table product_photo (
        id uuid primary key,
        merchant_id uuid not null references merchant (id),
        product_id uuid not null,
        position integer not null check (position >= 0),
        alt text not null default '' check (length(alt) <= 200),
        width integer not null check (width > 0),
        height integer not null check (height > 0),
        files jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (product_id, merchant_id) references product (id, merchant_id) on delete cascade
      );
      create index product_photo_product_id_index on product_photo (product_id, position);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table product_photo;');
  }
}
