import type { Queryable } from '../../pool-transaction.ts';
import type { LedgerAccount } from '../ledger/ledger.types.ts';
import type { AccountTotals } from './account-totals.ts';

/**
 * Escrow is split into sub-accounts (docs/ledger.md §5), but finance shows it as one account per currency,
 * as before: the sub-account of shard 0 (the escrow row from before the split) stands for all of them, and
 * its balances and statements are the sums over every sub-account of its currency. Other accounts are
 * themselves alone.
 */
export async function accountsShownAs(queryable: Queryable, account: Pick<LedgerAccount, 'id' | 'kind' | 'currency'>): Promise<string[]> {
  if (account.kind !== 'escrow') return [account.id];
  const { rows } = await queryable.query<{ id: string }>(`select id from ledger_account where kind = 'escrow' and currency = $1 order by shard`, [account.currency]);
  return rows.map((row) => row.id);
}

/** Escrow's totals per currency, summed over its sub-accounts. */
export async function escrowTotalsByCurrency(queryable: Queryable, currencies: string[]): Promise<Map<string, AccountTotals>> {
  if (!currencies.length) return new Map();
  const { rows } = await queryable.query<AccountTotals & { currency: string }>(
    `select currency, sum(debits_posted)::bigint as "debitsPosted", sum(credits_posted)::bigint as "creditsPosted",
            sum(debits_pending)::bigint as "debitsPending", sum(credits_pending)::bigint as "creditsPending"
       from ledger_account where kind = 'escrow' and currency = any($1::text[]) group by currency`,
    [currencies],
  );
  return new Map(rows.map(({ currency, ...totals }) => [currency, totals]));
}

type CountedTotals = AccountTotals & { transfers: number; lastSequence: number | null };

/** The totals of several accounts as one: sums, and the latest sequence among them. */
export function sumCountedTotals(parts: CountedTotals[]): CountedTotals {
  return parts.reduce<CountedTotals>(
    (sum, part) => ({
      debitsPosted: sum.debitsPosted + Number(part.debitsPosted),
      creditsPosted: sum.creditsPosted + Number(part.creditsPosted),
      debitsPending: sum.debitsPending + Number(part.debitsPending),
      creditsPending: sum.creditsPending + Number(part.creditsPending),
      transfers: sum.transfers + Number(part.transfers),
      lastSequence: part.lastSequence === null ? sum.lastSequence : Math.max(sum.lastSequence ?? 0, Number(part.lastSequence)),
    }),
    { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0, transfers: 0, lastSequence: null },
  );
}
