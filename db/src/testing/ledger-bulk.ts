import type pg from 'pg';
import { v5 as uuidv5 } from 'uuid';
import { newId } from '../ids.ts';
import { bodyHash, chainHash } from '../modules/ledger/ledger-hash.ts';
import type { TransferBody } from '../modules/ledger/ledger.types.ts';

export interface BulkLedgerOptions {
  transfers: number;
  /** The merchant whose available account receives every tenth transfer. */
  merchantId: string;
  /** Shopper wallets the rest are spread over. */
  wallets?: number;
  /** Creation time of the first transfer; each next one is a millisecond later. */
  startAt?: Date;
  /** Transfers inserted per statement. */
  batchSize?: number;
  onProgress?(inserted: number): void;
}

export interface BulkLedgerResult {
  transfers: number;
  merchantAccountId: string;
  lastHash: string;
}

const BULK_NAMESPACE = '0f7c3b52-1f43-4e0c-8d7a-5b1f2a9c6e30';

/**
 * Fills an empty ledger with `transfers` posted EUR transfers (world -> shopper wallets, every tenth
 * world -> one merchant's available balance) straight into the tables, a batch per statement, with the
 * real hash chain, account totals and head: far faster than the write path, and still a ledger that
 * verify() accepts. For benchmarks and streaming tests on throwaway databases only.
 */
export async function fillLedger(pool: pg.Pool, options: BulkLedgerOptions): Promise<BulkLedgerResult> {
  const head = await pool.query<{ last_sequence: number }>('select last_sequence from ledger_head where id = 1');
  if (head.rows[0]?.last_sequence !== 0) throw new Error('fillLedger needs an empty ledger.');
  const walletCount = options.wallets ?? 1_000;
  const batchSize = options.batchSize ?? 10_000;
  const startMs = (options.startAt ?? new Date('2026-01-01T00:00:00.000Z')).getTime();

  const world = newId();
  const merchantAccount = newId();
  const wallets = Array.from({ length: walletCount }, () => newId());
  await pool.query(
    `insert into ledger_account (id, kind, currency, owner_type, owner_id, merchant_id, debits_must_not_exceed_credits)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::boolean[])`,
    [
      [world, merchantAccount, ...wallets],
      ['world', 'merchant_available', ...wallets.map(() => 'shopper_wallet')],
      [world, merchantAccount, ...wallets].map(() => 'EUR'),
      ['platform', 'merchant', ...wallets.map(() => 'shopper')],
      [null, options.merchantId, ...wallets.map(() => newId())],
      [null, options.merchantId, ...wallets.map(() => null)],
      [false, true, ...wallets.map(() => true)],
    ],
  );

  let previousHash = '0'.repeat(64);
  for (let first = 0; first < options.transfers; first += batchSize) {
    const count = Math.min(batchSize, options.transfers - first);
    const columns = { id: [] as string[], sequence: [] as number[], credit: [] as string[], amount: [] as number[], reference: [] as string[], bodyHash: [] as string[], previousHash: [] as string[], hash: [] as string[], createdAt: [] as Date[] };
    for (let index = first; index < first + count; index += 1) {
      const sequence = index + 1;
      const body: TransferBody = {
        id: uuidv5(String(sequence), BULK_NAMESPACE),
        kind: 'posted',
        pendingId: null,
        debitAccountId: world,
        creditAccountId: index % 10 === 0 ? merchantAccount : wallets[index % walletCount]!,
        amountMinor: 1 + ((index * 7_919) % 10_000),
        currency: 'EUR',
        timeoutSeconds: 0,
        linked: false,
        reason: 'top_up',
        referenceType: 'bulk',
        referenceId: String(sequence),
        correctsId: null,
        metadata: {},
      };
      const createdAt = new Date(startMs + index);
      const rowBodyHash = bodyHash(body);
      const hash = chainHash(previousHash, sequence, createdAt, rowBodyHash);
      columns.id.push(body.id);
      columns.sequence.push(sequence);
      columns.credit.push(body.creditAccountId);
      columns.amount.push(body.amountMinor);
      columns.reference.push(body.referenceId!);
      columns.bodyHash.push(rowBodyHash);
      columns.previousHash.push(previousHash);
      columns.hash.push(hash);
      columns.createdAt.push(createdAt);
      previousHash = hash;
    }
    await pool.query(
      `insert into ledger_transfer (id, sequence, kind, debit_account_id, credit_account_id, amount_minor, currency, reason, reference_type, reference_id,
                                    body_hash, previous_hash, hash, created_at)
       select t.id, t.sequence, 'posted', $1, t.credit, t.amount, 'EUR', 'top_up', 'bulk', t.reference, t.body_hash, t.previous_hash, t.hash, t.created_at
         from unnest($2::uuid[], $3::bigint[], $4::uuid[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
              as t (id, sequence, credit, amount, reference, body_hash, previous_hash, hash, created_at)`,
      [world, columns.id, columns.sequence, columns.credit, columns.amount, columns.reference, columns.bodyHash, columns.previousHash, columns.hash, columns.createdAt],
    );
    options.onProgress?.(first + count);
  }

  // Totals and head, set-based, as the write path would have left them.
  await pool.query(
    `update ledger_account a set credits_posted = s.total
       from (select credit_account_id as id, sum(amount_minor)::bigint as total from ledger_transfer group by credit_account_id) s
      where a.id = s.id`,
  );
  await pool.query(`update ledger_account set debits_posted = (select coalesce(sum(amount_minor), 0) from ledger_transfer) where id = $1`, [world]);
  await pool.query('update ledger_head set last_sequence = $1, last_hash = $2 where id = 1', [options.transfers, previousHash]);
  await pool.query('analyze ledger_transfer; analyze ledger_account');
  return { transfers: options.transfers, merchantAccountId: merchantAccount, lastHash: previousHash };
}
