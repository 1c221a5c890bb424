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
import { Migration20261202000100_money_recovery } from './Migration20261202000100_money_recovery.ts';
import { Migration20261202000200_ledger_verification_snapshots } from './Migration20261202000200_ledger_verification_snapshots.ts';
import { Migration20261202000201_reconciliation_provider_records } from './Migration20261202000201_reconciliation_provider_records.ts';
import { Migration20261202000400_fulfilment } from './Migration20261202000400_fulfilment.ts';
import { Migration20261202000500_shipments } from './Migration20261202000500_shipments.ts';
import { Migration20261202000600_realtime_outbox } from './Migration20261202000600_realtime_outbox.ts';
import { Migration20261202000700_settlement } from './Migration20261202000700_settlement.ts';
import { Migration20261202000800_webhooks_notifications } from './Migration20261202000800_webhooks_notifications.ts';
import { Migration20261202001300_product_photos } from './Migration20261202001300_product_photos.ts';
import { Migration20261202001600_red_envelopes } from './Migration20261202001600_red_envelopes.ts';
import { Migration20261203000100_ledger_sealed_chain } from './Migration20261203000100_ledger_sealed_chain.ts';
import { Migration20261203000300_group_buys } from './Migration20261203000300_group_buys.ts';
import { Migration20261203000400_share_links_referrals } from './Migration20261203000400_share_links_referrals.ts';
import { Migration20261203000800_ledger_escrow_shards } from './Migration20261203000800_ledger_escrow_shards.ts';
import { Migration20261205000100_ledger_seal_in_database } from './Migration20261205000100_ledger_seal_in_database.ts';
import { Migration20261206000100_ledger_seal_static_update } from './Migration20261206000100_ledger_seal_static_update.ts';
import { Migration20261206000200_ledger_write_once_when } from './Migration20261206000200_ledger_write_once_when.ts';
import { Migration20261206000300_outbox_sequence_not_unique } from './Migration20261206000300_outbox_sequence_not_unique.ts';
import { Migration20261206000400_merchant_proven_by_composite_keys } from './Migration20261206000400_merchant_proven_by_composite_keys.ts';
import { Migration20261206000500_outbox_published_sequence_partial } from './Migration20261206000500_outbox_published_sequence_partial.ts';
import { Migration20261206000600_ledger_write_once_after_update } from './Migration20261206000600_ledger_write_once_after_update.ts';

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
  { name: 'Migration20261202000100_money_recovery', class: Migration20261202000100_money_recovery },
  { name: 'Migration20261202000200_ledger_verification_snapshots', class: Migration20261202000200_ledger_verification_snapshots },
  { name: 'Migration20261202000201_reconciliation_provider_records', class: Migration20261202000201_reconciliation_provider_records },
  { name: 'Migration20261202000400_fulfilment', class: Migration20261202000400_fulfilment },
  { name: 'Migration20261202000500_shipments', class: Migration20261202000500_shipments },
  { name: 'Migration20261202000600_realtime_outbox', class: Migration20261202000600_realtime_outbox },
  { name: 'Migration20261202000700_settlement', class: Migration20261202000700_settlement },
  { name: 'Migration20261202000800_webhooks_notifications', class: Migration20261202000800_webhooks_notifications },
  { name: 'Migration20261202001300_product_photos', class: Migration20261202001300_product_photos },
  { name: 'Migration20261202001600_red_envelopes', class: Migration20261202001600_red_envelopes },
  { name: 'Migration20261203000100_ledger_sealed_chain', class: Migration20261203000100_ledger_sealed_chain },
  { name: 'Migration20261203000300_group_buys', class: Migration20261203000300_group_buys },
  { name: 'Migration20261203000400_share_links_referrals', class: Migration20261203000400_share_links_referrals },
  { name: 'Migration20261203000800_ledger_escrow_shards', class: Migration20261203000800_ledger_escrow_shards },
  { name: 'Migration20261205000100_ledger_seal_in_database', class: Migration20261205000100_ledger_seal_in_database },
  { name: 'Migration20261206000100_ledger_seal_static_update', class: Migration20261206000100_ledger_seal_static_update },
  { name: 'Migration20261206000200_ledger_write_once_when', class: Migration20261206000200_ledger_write_once_when },
  { name: 'Migration20261206000300_outbox_sequence_not_unique', class: Migration20261206000300_outbox_sequence_not_unique },
  { name: 'Migration20261206000400_merchant_proven_by_composite_keys', class: Migration20261206000400_merchant_proven_by_composite_keys },
  { name: 'Migration20261206000500_outbox_published_sequence_partial', class: Migration20261206000500_outbox_published_sequence_partial },
  { name: 'Migration20261206000600_ledger_write_once_after_update', class: Migration20261206000600_ledger_write_once_after_update },
];
