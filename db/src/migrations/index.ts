import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000100_foundation } from './Migration20261122000100_foundation.ts';
import { Migration20261122000200_auth_indexes } from './Migration20261122000200_auth_indexes.ts';
import { Migration20261122000250_catalog_search } from './Migration20261122000250_catalog_search.ts';
import { Migration20261122000300_ledger } from './Migration20261122000300_ledger.ts';
import { Migration20261122000500_shoppers_carts_qr } from './Migration20261122000500_shoppers_carts_qr.ts';
import { Migration20261122000600_orders } from './Migration20261122000600_orders.ts';
import { Migration20261122000700_payments } from './Migration20261122000700_payments.ts';
import { Migration20261122000800_finance_payouts } from './Migration20261122000800_finance_payouts.ts';
import { Migration20261122000900_qr_payments } from './Migration20261122000900_qr_payments.ts';
import { Migration20261202000800_webhooks_notifications } from './Migration20261202000800_webhooks_notifications.ts';

/**
 * Every migration, in the order it runs: by name, which starts with its timestamp. Listed explicitly
 * (rather than found by globbing the folder) so that the same list works under tsx, Vitest and a
 * bundle; migrations.test.ts checks that every file is listed and that the list is in order.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122000100_foundation', class: Migration20261122000100_foundation },
  { name: 'Migration20261122000200_auth_indexes', class: Migration20261122000200_auth_indexes },
  { name: 'Migration20261122000250_catalog_search', class: Migration20261122000250_catalog_search },
  { name: 'Migration20261122000300_ledger', class: Migration20261122000300_ledger },
  { name: 'Migration20261122000500_shoppers_carts_qr', class: Migration20261122000500_shoppers_carts_qr },
  { name: 'Migration20261122000600_orders', class: Migration20261122000600_orders },
  { name: 'Migration20261122000700_payments', class: Migration20261122000700_payments },
  { name: 'Migration20261122000800_finance_payouts', class: Migration20261122000800_finance_payouts },
  { name: 'Migration20261122000900_qr_payments', class: Migration20261122000900_qr_payments },
  { name: 'Migration20261202000800_webhooks_notifications', class: Migration20261202000800_webhooks_notifications },
];
