import { Migration } from '@mikro-orm/migrations';
import { LEDGER_SEAL_CHAIN_BATCH_UPDATE } from './Migration20261205000100_ledger_seal_in_database.ts';

/**
 * `ledger_seal_chain` writes the batch's chain columns with a static `update ... from unnest`, planned once per
 * connection, instead of one run through EXECUTE and planned at every call. Planning that update (a table of
 * nine indexes) cost more than the seal of one row: 0.10-0.17 ms of a 0.6-0.8 ms seal of 1 row, 0.14-0.3 ms of
 * 1.0-1.4 ms for 4 rows (the batch the checkout's payments seal at 32 shoppers); the same at 50 and 1,000 rows.
 *
 * EXECUTE was there because a plan kept for arrays of unknown length can be a bad one: a hash join over a
 * sequential scan, planned while the table was small, or a scan of the unsealed rows' partial index (which fills
 * with dead entries between vacuums). So the function now runs with sequential scans and hash and merge joins
 * switched off (its own settings, restored when it returns): the only plan left for the update is a nested
 * loop over the primary key, one probe per sealed row. The `sequence is null` condition of the update goes
 * too (it made the partial index a candidate): the rows were read unsealed under the head lock, the function
 * still checks that it wrote every one, and the write-once trigger refuses a second seal of any row.
 */
const EXECUTED_UPDATE = `        -- Planned at each call (EXECUTE), for the arrays' real length: a plan kept for an array of unknown length
        -- could pick the unsealed index and keep it while that index fills with dead entries.
        execute 'update ledger_transfer transfer set sequence = chain.sequence, previous_hash = chain.previous_hash, hash = chain.hash
                   from unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) as chain (id, sequence, previous_hash, hash)
                  where transfer.id = chain.id and transfer.sequence is null'
          using sealed_ids, sealed_sequences, sealed_previous_hashes, sealed_hashes;`;

const STATIC_UPDATE = `        update ledger_transfer transfer set sequence = chain.sequence, previous_hash = chain.previous_hash, hash = chain.hash
          from unnest(sealed_ids, sealed_sequences, sealed_previous_hashes, sealed_hashes) as chain (id, sequence, previous_hash, hash)
         where transfer.id = chain.id;`;

/** The previous function with its one statement swapped; everything else (lock, read, hashes, checks) is unchanged. */
const LEDGER_SEAL_CHAIN_STATIC_UPDATE = LEDGER_SEAL_CHAIN_BATCH_UPDATE.replace(EXECUTED_UPDATE, STATIC_UPDATE);
if (LEDGER_SEAL_CHAIN_STATIC_UPDATE === LEDGER_SEAL_CHAIN_BATCH_UPDATE) throw new Error('Migration20261206000100: the EXECUTE it replaces was not found');

export class Migration20261206000100_ledger_seal_static_update extends Migration {
  override async up(): Promise<void> {
    this.addSql(LEDGER_SEAL_CHAIN_STATIC_UPDATE);
    this.addSql('alter function ledger_seal_chain(integer) set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off;');
  }

  override async down(): Promise<void> {
    this.addSql(LEDGER_SEAL_CHAIN_BATCH_UPDATE);
  }
}
