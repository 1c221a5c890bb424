import type { Database } from '../database.ts';
import { verifyLedger } from '../modules/ledger/ledger-verify.ts';

/**
 * The ledger's invariants, checked with plain SQL independent of the service's own code, then by the
 * verifier: per currency debits equal credits (posted and pending); every account's four totals equal
 * the sums of its transfers; no account with the flag is below zero; pending state agrees with the
 * transfers; the hash chain holds. Throws an Error that names what broke.
 */
export async function assertLedgerInvariants(database: Database): Promise<void> {
  const { pool } = database;
  const currencies = await pool.query<{ currency: string; debits_posted: string; credits_posted: string; debits_pending: string; credits_pending: string }>(
    `select currency, sum(debits_posted)::text as debits_posted, sum(credits_posted)::text as credits_posted,
            sum(debits_pending)::text as debits_pending, sum(credits_pending)::text as credits_pending
       from ledger_account group by currency`,
  );
  for (const row of currencies.rows) {
    if (row.debits_posted !== row.credits_posted || row.debits_pending !== row.credits_pending) {
      throw new Error(`Ledger conservation broken in ${row.currency}: ${JSON.stringify(row)}`);
    }
  }

  const mismatched = await pool.query(
    `with open_pending as (
       select t.* from ledger_transfer t
        where t.kind = 'pending' and not exists (select 1 from ledger_transfer r where r.pending_id = t.id)
     ), movements as (
       select debit_account_id as account_id, amount_minor as debits_posted, 0 as credits_posted, 0 as debits_pending, 0 as credits_pending
         from ledger_transfer where kind in ('posted', 'post_pending')
       union all
       select credit_account_id, 0, amount_minor, 0, 0 from ledger_transfer where kind in ('posted', 'post_pending')
       union all
       select debit_account_id, 0, 0, amount_minor, 0 from open_pending
       union all
       select credit_account_id, 0, 0, 0, amount_minor from open_pending
     ), sums as (
       select account_id, sum(debits_posted) as debits_posted, sum(credits_posted) as credits_posted,
              sum(debits_pending) as debits_pending, sum(credits_pending) as credits_pending
         from movements group by account_id
     )
     select a.id, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending,
            coalesce(s.debits_posted, 0)::bigint as expected_debits_posted, coalesce(s.credits_posted, 0)::bigint as expected_credits_posted,
            coalesce(s.debits_pending, 0)::bigint as expected_debits_pending, coalesce(s.credits_pending, 0)::bigint as expected_credits_pending
       from ledger_account a left join sums s on s.account_id = a.id
      where a.debits_posted <> coalesce(s.debits_posted, 0) or a.credits_posted <> coalesce(s.credits_posted, 0)
         or a.debits_pending <> coalesce(s.debits_pending, 0) or a.credits_pending <> coalesce(s.credits_pending, 0)
      limit 5`,
  );
  if (mismatched.rows.length) throw new Error(`Ledger account totals differ from their transfers: ${JSON.stringify(mismatched.rows)}`);

  const belowZero = await pool.query(
    `select id, kind, debits_posted, debits_pending, credits_posted from ledger_account
      where debits_must_not_exceed_credits and debits_posted + debits_pending > credits_posted limit 5`,
  );
  if (belowZero.rows.length) throw new Error(`Ledger accounts below zero: ${JSON.stringify(belowZero.rows)}`);

  const pendingDrift = await pool.query(
    `select p.transfer_id, p.status, r.kind as resolved_kind from ledger_pending p
       left join ledger_transfer r on r.pending_id = p.transfer_id
      where (p.status = 'pending') <> (r.id is null)
         or (r.kind = 'post_pending' and (p.status <> 'posted' or p.posted_amount_minor <> r.amount_minor))
         or (r.kind = 'void_pending' and p.status <> 'voided')
         or (r.kind = 'expire_pending' and p.status <> 'expired')
      limit 5`,
  );
  if (pendingDrift.rows.length) throw new Error(`Ledger pending state differs from the transfers: ${JSON.stringify(pendingDrift.rows)}`);

  const reversedTooMuch = await pool.query(
    `select t.id, t.amount_minor, sum(c.amount_minor) as reversed from ledger_transfer t join ledger_transfer c on c.corrects_id = t.id
      group by t.id, t.amount_minor having sum(c.amount_minor) > t.amount_minor limit 5`,
  );
  if (reversedTooMuch.rows.length) throw new Error(`Ledger reversals exceed their originals: ${JSON.stringify(reversedTooMuch.rows)}`);

  const verification = await verifyLedger(pool);
  if (!verification.ok) throw new Error(`Ledger verification failed: ${JSON.stringify(verification.problem)}`);
}
