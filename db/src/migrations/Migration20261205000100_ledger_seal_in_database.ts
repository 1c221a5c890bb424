import { Migration } from '@mikro-orm/migrations';

/** The function as this migration created it (the next one's down() puts it back). */
export const LEDGER_SEAL_CHAIN_BATCH_UPDATE = `
      create or replace function ledger_seal_chain(batch_limit integer)
      returns table (id uuid, sequence bigint, previous_hash text, hash text)
      language plpgsql volatile as $$
      #variable_conflict use_column
      declare
        head_sequence bigint;
        head_hash text;
        unsealed record;
        sealed_ids uuid[] := '{}';
        sealed_sequences bigint[] := '{}';
        sealed_previous_hashes text[] := '{}';
        sealed_hashes text[] := '{}';
        written bigint;
      begin
        if batch_limit is null or batch_limit < 1 then
          raise exception 'ledger_seal_chain: batch_limit must be a positive integer, got %', batch_limit;
        end if;
        select head.last_sequence, head.last_hash into head_sequence, head_hash from ledger_head head where head.id = 1 for update;
        if not found then
          raise exception 'Invariant violated: ledger_head has no row; run the migrations.';
        end if;
        for unsealed in
          select transfer.id, transfer.body_hash, transfer.created_at from ledger_transfer transfer
           where transfer.sequence is null order by transfer.append_order limit batch_limit
        loop
          head_sequence := head_sequence + 1;
          sealed_ids := sealed_ids || unsealed.id;
          sealed_sequences := sealed_sequences || head_sequence;
          sealed_previous_hashes := sealed_previous_hashes || head_hash;
          head_hash := encode(sha256(convert_to(format('["%s",%s,"%s","%s"]',
            head_hash, head_sequence, to_char(unsealed.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), unsealed.body_hash), 'UTF8')), 'hex');
          sealed_hashes := sealed_hashes || head_hash;
        end loop;
        if cardinality(sealed_ids) = 0 then
          return;
        end if;
        -- Planned at each call (EXECUTE), for the arrays' real length: a plan kept for an array of unknown length
        -- could pick the unsealed index and keep it while that index fills with dead entries.
        execute 'update ledger_transfer transfer set sequence = chain.sequence, previous_hash = chain.previous_hash, hash = chain.hash
                   from unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) as chain (id, sequence, previous_hash, hash)
                  where transfer.id = chain.id and transfer.sequence is null'
          using sealed_ids, sealed_sequences, sealed_previous_hashes, sealed_hashes;
        get diagnostics written = row_count;
        if written <> cardinality(sealed_ids) then
          raise exception 'Invariant violated: % unsealed rows read under the head lock, % sealed', cardinality(sealed_ids), written;
        end if;
        update ledger_head head set last_sequence = head_sequence, last_hash = head_hash where head.id = 1;
        return query select chain.id, chain.sequence, chain.previous_hash, chain.hash
          from unnest(sealed_ids, sealed_sequences, sealed_previous_hashes, sealed_hashes) as chain (id, sequence, previous_hash, hash);
      end;
      $$;`;

/**
 * The sealer's transaction runs in the database as one statement, `select * from ledger_seal_chain(limit)`:
 * one round trip instead of two (lock and read, then the chain write with the commit), and the unsealed rows
 * and their hashes no longer cross the wire twice. The formula is the one anyone recomputes from an export
 * (db/src/modules/ledger/ledger-hash.ts `chainHash`): sha256 of the JSON text
 * `["<previous hash>",<sequence>,"<created_at, ISO 8601 in UTC to the millisecond>","<body hash>"]`. The
 * verifier recomputes it in TypeScript for every row, so a difference between the two fails every ledger test.
 *
 * Why it is safe: the head's row lock is taken by the first statement; the read of unsealed rows is a later
 * statement of this volatile function, so under READ COMMITTED it takes a snapshot after the lock was granted
 * and sees every earlier sealer's rows as sealed. Two sealers therefore queue on the head and never give a
 * row two places; the write-once trigger still refuses anything but filling the three chain columns once.
 */
export class Migration20261205000100_ledger_seal_in_database extends Migration {
  override async up(): Promise<void> {
    this.addSql(LEDGER_SEAL_CHAIN_BATCH_UPDATE);
  }

  override async down(): Promise<void> {
    this.addSql('drop function ledger_seal_chain(integer);');
  }
}
