import type pg from 'pg';
import { bodyHash, chainHash, GENESIS_HASH } from './ledger-hash.ts';
import { TRANSFER_COLUMNS, transferFromRow, type TransferRow } from './ledger-store.ts';
import type { SealedLedgerTransfer } from './ledger.types.ts';

export type VerificationProblemCode =
  | 'sequence_gap'
  | 'broken_link'
  | 'body_hash_mismatch'
  | 'hash_mismatch'
  | 'unknown_account'
  | 'currency_mismatch'
  | 'head_mismatch'
  | 'balance_mismatch'
  | 'below_zero'
  | 'currency_imbalance'
  | 'pending_state_mismatch'
  | 'unsealed_too_long';

export interface VerificationProblem {
  code: VerificationProblemCode;
  message: string;
  transferId?: string;
  sequence?: number;
  accountId?: string;
  currency?: string;
}

export type LedgerVerification =
  | { ok: true; transfers: number; accounts: number; lastSequence: number; lastHash: string }
  | { ok: false; problem: VerificationProblem };

export interface VerifyLedgerOptions {
  /** Transfers read per round trip in the chain pass. */
  transferPageSize?: number;
  /** Accounts whose totals are recomputed per round trip. */
  accountBatchSize?: number;
  /** How old a committed transfer may be and still wait for its chain position (config LEDGER_SEAL_MAX_LAG_SECONDS). */
  sealMaxLagSeconds?: number;
}

/** The sealer's promise when nobody configured it: no committed transfer stays unsealed longer than this. */
export const DEFAULT_SEAL_MAX_LAG_SECONDS = 60;

interface ChainRow extends TransferRow {
  debit_currency: string | null;
  credit_currency: string | null;
  pending_kind: string | null;
  pending_sequence: number | null;
  pending_debit_account_id: string | null;
  pending_credit_account_id: string | null;
}

const TOTAL_FIELDS = ['debitsPosted', 'creditsPosted', 'debitsPending', 'creditsPending'] as const;

interface AccountCheckRow {
  id: string;
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
  debitsMustNotExceedCredits: boolean;
  computed: Record<(typeof TOTAL_FIELDS)[number], number>;
}

/**
 * Recomputes the ledger from its transfers alone: every row's body hash and chain link in sequence
 * order, then the head, every account's four totals, per-currency conservation and the open holds.
 * Stops at the first bad row and names it.
 *
 * Everything is read inside ONE `REPEATABLE READ, READ ONLY` transaction: one snapshot, so transfers
 * committed while it runs are simply not there (they used to show up half-seen as a false mismatch).
 * Memory does not grow with the ledger: the chain pass keeps only the running hash (keyset pages), and
 * account totals are summed by PostgreSQL and compared a bounded batch of accounts at a time.
 */
export async function verifyLedger(pool: pg.Pool, options: VerifyLedgerOptions = {}): Promise<LedgerVerification> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    const verification = await verifySnapshot(client, options.transferPageSize ?? 5_000, options.accountBatchSize ?? 1_000, options.sealMaxLagSeconds ?? DEFAULT_SEAL_MAX_LAG_SECONDS);
    await client.query('commit');
    return verification;
  } catch (error) {
    await client.query('rollback').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

async function verifySnapshot(client: pg.PoolClient, transferPageSize: number, accountBatchSize: number, maxLagSeconds: number): Promise<LedgerVerification> {
  // 1. The sealed chain, in sequence order (unsealed rows have no sequence yet; they still count in every
  // total below, being committed money, and step 6 proves they do not wait long).
  let expectedSequence = 1;
  let runningHash = GENESIS_HASH;
  for (;;) {
    const page = await client.query<ChainRow>(
      `select ${TRANSFER_COLUMNS.split(', ').map((column) => `t.${column}`).join(', ')},
              d.currency as debit_currency, c.currency as credit_currency,
              p.kind as pending_kind, p.sequence as pending_sequence,
              p.debit_account_id as pending_debit_account_id, p.credit_account_id as pending_credit_account_id
         from ledger_transfer t
         left join ledger_account d on d.id = t.debit_account_id
         left join ledger_account c on c.id = t.credit_account_id
         left join ledger_transfer p on p.id = t.pending_id
        where t.sequence >= $1
        order by t.sequence
        limit $2`,
      [expectedSequence, transferPageSize],
    );
    for (const row of page.rows) {
      // The page's query reads sealed rows only.
      const transfer = transferFromRow(row) as SealedLedgerTransfer;
      const where = { transferId: transfer.id, sequence: transfer.sequence };
      if (transfer.sequence !== expectedSequence) {
        return { ok: false, problem: { code: 'sequence_gap', message: `Expected sequence ${expectedSequence}, found ${transfer.sequence}.`, ...where } };
      }
      if (transfer.previousHash !== runningHash) {
        return { ok: false, problem: { code: 'broken_link', message: `Transfer ${transfer.id} does not link to its predecessor's hash.`, ...where } };
      }
      if (bodyHash(transfer) !== transfer.bodyHash) {
        return { ok: false, problem: { code: 'body_hash_mismatch', message: `Transfer ${transfer.id} was altered: its content no longer matches its body hash.`, ...where } };
      }
      if (chainHash(transfer.previousHash, transfer.sequence, transfer.createdAt, transfer.bodyHash) !== transfer.hash) {
        return { ok: false, problem: { code: 'hash_mismatch', message: `Transfer ${transfer.id} has a wrong chain hash.`, ...where } };
      }
      if (row.debit_currency === null || row.credit_currency === null) {
        return { ok: false, problem: { code: 'unknown_account', message: `Transfer ${transfer.id} names an unknown account.`, ...where } };
      }
      if (row.debit_currency !== transfer.currency || row.credit_currency !== transfer.currency) {
        return { ok: false, problem: { code: 'currency_mismatch', message: `Transfer ${transfer.id} is in another currency than its accounts.`, ...where } };
      }
      if (transfer.kind !== 'posted' && transfer.kind !== 'pending') {
        // A pending is resolved at most once (unique pending_id), so "open" means: a pending, earlier, same accounts.
        const resolvesEarlierPending =
          row.pending_kind === 'pending' &&
          row.pending_sequence !== null &&
          row.pending_sequence < transfer.sequence &&
          row.pending_debit_account_id === transfer.debitAccountId &&
          row.pending_credit_account_id === transfer.creditAccountId;
        if (!resolvesEarlierPending) {
          return { ok: false, problem: { code: 'pending_state_mismatch', message: `Transfer ${transfer.id} resolves no open pending transfer.`, ...where } };
        }
      }
      runningHash = transfer.hash;
      expectedSequence += 1;
    }
    if (page.rows.length < transferPageSize) break;
  }
  const lastSequence = expectedSequence - 1;

  // 2. The head.
  const head = (await client.query<{ last_sequence: number; last_hash: string }>('select last_sequence, last_hash from ledger_head where id = 1')).rows[0];
  if (!head || head.last_sequence !== lastSequence || head.last_hash !== runningHash) {
    return { ok: false, problem: { code: 'head_mismatch', message: `The ledger head does not match the last transfer (sequence ${lastSequence}).`, sequence: lastSequence } };
  }

  // 3. Every account's totals against its transfers, a batch of accounts at a time (keyset on id).
  let accounts = 0;
  let afterId = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await accountBatch(client, afterId, accountBatchSize);
    for (const account of batch) {
      for (const field of TOTAL_FIELDS) {
        if (account.computed[field] !== account[field]) {
          return {
            ok: false,
            problem: { code: 'balance_mismatch', message: `Account ${account.id} has ${field} ${account[field]}; its transfers add up to ${account.computed[field]}.`, accountId: account.id },
          };
        }
      }
      if (account.debitsMustNotExceedCredits && account.debitsPosted + account.debitsPending > account.creditsPosted) {
        return { ok: false, problem: { code: 'below_zero', message: `Account ${account.id} is below zero.`, accountId: account.id } };
      }
    }
    accounts += batch.length;
    if (batch.length < accountBatchSize) break;
    afterId = batch[batch.length - 1]!.id;
  }

  // 4. Conservation per currency (one row per currency).
  const imbalanced = await client.query<{ currency: string }>(
    `select currency from ledger_account group by currency
      having sum(debits_posted) <> sum(credits_posted) or sum(debits_pending) <> sum(credits_pending)
      order by currency limit 1`,
  );
  if (imbalanced.rows[0]) {
    const { currency } = imbalanced.rows[0];
    return { ok: false, problem: { code: 'currency_imbalance', message: `In ${currency}, debits and credits differ.`, currency } };
  }

  // 5. The holds: open by the transfers <=> marked pending.
  const unmarked = await client.query<{ id: string }>(
    `select t.id from ledger_transfer t
      where t.kind = 'pending'
        and not exists (select 1 from ledger_transfer r where r.pending_id = t.id)
        and not exists (select 1 from ledger_pending lp where lp.transfer_id = t.id and lp.status = 'pending')
      order by t.sequence limit 1`,
  );
  if (unmarked.rows[0]) {
    const id = unmarked.rows[0].id;
    return { ok: false, problem: { code: 'pending_state_mismatch', message: `Pending transfer ${id} is open but not marked pending.`, transferId: id } };
  }
  const stray = await client.query<{ transfer_id: string }>(
    `select lp.transfer_id from ledger_pending lp
      where lp.status = 'pending'
        and (exists (select 1 from ledger_transfer r where r.pending_id = lp.transfer_id)
             or not exists (select 1 from ledger_transfer t where t.id = lp.transfer_id and t.kind = 'pending'))
      order by lp.transfer_id limit 1`,
  );
  if (stray.rows[0]) {
    const id = stray.rows[0].transfer_id;
    return { ok: false, problem: { code: 'pending_state_mismatch', message: `Pending transfer ${id} is marked pending but was resolved.`, transferId: id } };
  }
  // 6. The sealer keeps up: no transfer of this snapshot waits for its chain position longer than allowed
  // (`now()` is the snapshot's start).
  const overdue = await client.query<{ id: string; created_at: Date }>(
    `select id, created_at from ledger_transfer
      where sequence is null and created_at < now() - make_interval(secs => $1)
      order by append_order limit 1`,
    [maxLagSeconds],
  );
  if (overdue.rows[0]) {
    const { id, created_at: createdAt } = overdue.rows[0];
    return {
      ok: false,
      problem: { code: 'unsealed_too_long', message: `Transfer ${id}, committed at ${createdAt.toISOString()}, is still unsealed after ${maxLagSeconds} s: is the ledger.seal job running?`, transferId: id },
    };
  }
  // `transfers` counts every transfer of the snapshot, the unsealed tail included; lastSequence is the sealed head.
  const unsealed = (await client.query<{ count: number }>('select count(*)::int as count from ledger_transfer where sequence is null')).rows[0]?.count ?? 0;
  return { ok: true, transfers: lastSequence + unsealed, accounts, lastSequence, lastHash: runningHash };
}

/**
 * One batch of accounts with the totals their transfers add up to, summed by PostgreSQL over the two
 * account indexes by the ledger's rules: posted and post_pending move posted money; pending holds its
 * amount; post, void and expire release the whole hold of the pending they resolve.
 */
async function accountBatch(client: pg.PoolClient, afterId: string, limit: number): Promise<AccountCheckRow[]> {
  const { rows } = await client.query<{
    id: string;
    debits_posted: number;
    credits_posted: number;
    debits_pending: number;
    credits_pending: number;
    debits_must_not_exceed_credits: boolean;
    computed_debits_posted: number;
    computed_credits_posted: number;
    computed_debits_pending: number;
    computed_credits_pending: number;
  }>(
    `with batch as (
       select id, debits_posted, credits_posted, debits_pending, credits_pending, debits_must_not_exceed_credits
         from ledger_account where id > $1 order by id limit $2
     ), legs as (
       select t.debit_account_id as account_id,
              case when t.kind in ('posted', 'post_pending') then t.amount_minor else 0 end as debits_posted, 0::bigint as credits_posted,
              case t.kind when 'pending' then t.amount_minor when 'posted' then 0 else -p.amount_minor end as debits_pending, 0::bigint as credits_pending
         from ledger_transfer t left join ledger_transfer p on p.id = t.pending_id
        where t.debit_account_id in (select id from batch)
       union all
       select t.credit_account_id, 0::bigint,
              case when t.kind in ('posted', 'post_pending') then t.amount_minor else 0 end, 0::bigint,
              case t.kind when 'pending' then t.amount_minor when 'posted' then 0 else -p.amount_minor end
         from ledger_transfer t left join ledger_transfer p on p.id = t.pending_id
        where t.credit_account_id in (select id from batch)
     ), sums as (
       select account_id, sum(debits_posted) as debits_posted, sum(credits_posted) as credits_posted,
              sum(debits_pending) as debits_pending, sum(credits_pending) as credits_pending
         from legs group by account_id
     )
     select b.id, b.debits_posted, b.credits_posted, b.debits_pending, b.credits_pending, b.debits_must_not_exceed_credits,
            coalesce(s.debits_posted, 0)::bigint as computed_debits_posted, coalesce(s.credits_posted, 0)::bigint as computed_credits_posted,
            coalesce(s.debits_pending, 0)::bigint as computed_debits_pending, coalesce(s.credits_pending, 0)::bigint as computed_credits_pending
       from batch b left join sums s on s.account_id = b.id
      order by b.id`,
    [afterId, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    debitsPosted: row.debits_posted,
    creditsPosted: row.credits_posted,
    debitsPending: row.debits_pending,
    creditsPending: row.credits_pending,
    debitsMustNotExceedCredits: row.debits_must_not_exceed_credits,
    computed: {
      debitsPosted: row.computed_debits_posted,
      creditsPosted: row.computed_credits_posted,
      debitsPending: row.computed_debits_pending,
      creditsPending: row.computed_credits_pending,
    },
  }));
}
