import { Migration } from '@mikro-orm/migrations';

/**
 * Catalog search matches `q` in a product's title or description; with both sides trigram-indexed the
 * planner can OR two bitmap index scans instead of reading every product of the merchant or shop.
 */
export class Migration20261122000250_catalog_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index product_description_trigram_index on product using gin (description gin_trgm_ops);`);
  }
}
