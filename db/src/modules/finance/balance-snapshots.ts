import type pg from 'pg';
import type { Queryable } from '../../pool-transaction.ts';
import type { AccountTotals } from './account-totals.ts';

export type AccountTotalsWithCounts = AccountTotals & { transfers: number; lastSequence: number | null };

/** Where to stop: transfers created before a time (a period's end), or at or before it (a balance as of it). */
export type TimeBound = { createdBefore: Date } | { createdAtOrBefore: Date };

const MS_PER_DAY = 86_400_000;

/**
 * The totals of an account as of a time, from the latest daily snapshot at or before that time plus the
 * account's transfers after the snapshot: the work grows with the transfers since the snapshot (a day or
 * so), not with the account's history (escrow has every payment in it).
 *
 * A snapshot holds exactly the transfers with created_at < cut_at and sequence <= through_sequence; the
 * ones it left out all have a sequence >= first_sequence_after_cut. So the reader adds, over the
 * (account, sequence) indexes from that sequence on, every transfer up to the bound that the snapshot
 * did not hold, including one created before the cut but committed after the snapshot was taken.
 * Without a snapshot it sums from the start, as before. The arithmetic is the ledger's (totalsDelta).
 */
export async function accountTotalsAt(queryable: Queryable, accountId: string, bound: TimeBound): Promise<AccountTotalsWithCounts> {
  const inclusive = 'createdAtOrBefore' in bound;
  const time = inclusive ? bound.createdAtOrBefore : bound.createdBefore;
  const { rows } = await queryable.query<AccountTotalsWithCounts>(
    `with snapshot as (
       select * from ledger_balance_snapshot where account_id = $1 and cut_at <= $2 order by cut_at desc limit 1
     ), since as (
       select
         coalesce(sum(case when t.debit_account_id = $1 and t.kind in ('posted', 'post_pending') then t.amount_minor else 0 end), 0) as debits_posted,
         coalesce(sum(case when t.credit_account_id = $1 and t.kind in ('posted', 'post_pending') then t.amount_minor else 0 end), 0) as credits_posted,
         coalesce(sum(case when t.debit_account_id = $1 then
           case t.kind when 'pending' then t.amount_minor when 'posted' then 0 else -p.amount_minor end else 0 end), 0) as debits_pending,
         coalesce(sum(case when t.credit_account_id = $1 then
           case t.kind when 'pending' then t.amount_minor when 'posted' then 0 else -p.amount_minor end else 0 end), 0) as credits_pending,
         count(*) as transfers,
         max(t.sequence) as last_sequence
       from ledger_transfer t
       left join ledger_transfer p on p.id = t.pending_id
       where (t.debit_account_id = $1 or t.credit_account_id = $1)
         and t.sequence >= coalesce((select first_sequence_after_cut from snapshot), 0)
         and (case when $3::boolean then t.created_at <= $2 else t.created_at < $2 end)
         and not (t.created_at < coalesce((select cut_at from snapshot), '-infinity') and t.sequence <= coalesce((select through_sequence from snapshot), 0))
     )
     select (coalesce(s.debits_posted, 0) + since.debits_posted)::bigint as "debitsPosted",
            (coalesce(s.credits_posted, 0) + since.credits_posted)::bigint as "creditsPosted",
            (coalesce(s.debits_pending, 0) + since.debits_pending)::bigint as "debitsPending",
            (coalesce(s.credits_pending, 0) + since.credits_pending)::bigint as "creditsPending",
            (coalesce(s.transfers, 0) + since.transfers)::bigint as transfers,
            greatest(s.last_sequence, since.last_sequence) as "lastSequence"
       from since left join snapshot s on true`,
    [accountId, time, inclusive],
  );
  return rows[0]!;
}

/**
 * The cut of the latest daily snapshot that is safe to take at `now`: midnight UTC, once `marginMs` has
 * passed since (so that no transfer of the day before is still being committed), else the midnight before.
 */
export function snapshotCut(now: Date, marginMs: number): Date {
  const midnight = Math.floor(now.getTime() / MS_PER_DAY) * MS_PER_DAY;
  return new Date(now.getTime() - midnight >= marginMs ? midnight : midnight - MS_PER_DAY);
}

/**
 * Writes the snapshot at `cutAt` of every account that has none there yet, a batch of accounts at a
 * time, all in one REPEATABLE READ transaction (one view of the ledger, so the snapshot's sequence
 * bounds hold). Each account's totals come from its previous snapshot plus the transfers since, so a
 * day's run reads about a day of transfers. Idempotent: a second run at the same cut writes nothing.
 */
export async function takeBalanceSnapshots(pool: pg.Pool, cutAt: Date, options: { batchSize?: number } = {}): Promise<{ accounts: number }> {
  const batchSize = options.batchSize ?? 500;
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('begin isolation level repeatable read');
    const bounds = await client.query<{ through_sequence: number; first_sequence_after_cut: number }>(
      `select h.last_sequence as through_sequence,
              coalesce((select min(sequence) from ledger_transfer where created_at >= $1), h.last_sequence + 1) as first_sequence_after_cut
         from ledger_head h where h.id = 1`,
      [cutAt],
    );
    const { through_sequence: throughSequence, first_sequence_after_cut: firstSequenceAfterCut } = bounds.rows[0] ?? { through_sequence: 0, first_sequence_after_cut: 1 };
    let written = 0;
    let afterId = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await client.query<{ id: string }>(
        `select a.id from ledger_account a
          where a.id > $1
            and not exists (select 1 from ledger_balance_snapshot s where s.account_id = a.id and s.cut_at = $2)
          order by a.id limit $3`,
        [afterId, cutAt, batchSize],
      );
      for (const { id } of batch.rows) {
        const totals = await accountTotalsAt(client, id, { createdBefore: cutAt });
        await client.query(
          `insert into ledger_balance_snapshot (account_id, cut_at, through_sequence, first_sequence_after_cut, debits_posted, credits_posted, debits_pending, credits_pending, transfers, last_sequence)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing`,
          [id, cutAt, throughSequence, Math.max(1, firstSequenceAfterCut), totals.debitsPosted, totals.creditsPosted, totals.debitsPending, totals.creditsPending, totals.transfers, totals.lastSequence],
        );
        written += 1;
      }
      if (batch.rows.length < batchSize) break;
      afterId = batch.rows[batch.rows.length - 1]!.id;
    }
    await client.query('commit');
    return { accounts: written };
  } catch (error) {
    await client.query('rollback').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
