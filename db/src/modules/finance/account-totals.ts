import type { Queryable } from '../../pool-transaction.ts';
import { accountBalances } from '../ledger/ledger-accounts.ts';
import type { AccountKind, TransferKind } from '../ledger/ledger.types.ts';

/** The four running totals of an account, as ledger_account keeps them, at some point of its history. */
export interface AccountTotals {
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
}

export interface BalanceSnapshot extends AccountTotals {
  balanceMinor: number;
  availableMinor: number;
}

export const ZERO_TOTALS: AccountTotals = { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 };

export function snapshotOf(kind: AccountKind, totals: AccountTotals): BalanceSnapshot {
  return { ...totals, ...accountBalances({ kind, ...totals }) };
}

/** What one transfer did to one of its accounts; the pending amount is that of the pending a post/void/expire resolves. */
export interface TransferEffect {
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amountMinor: number;
  pendingAmountMinor: number | null;
}

/**
 * A transfer's change to the four totals of `accountId`, by the ledger's rules: posted and post_pending
 * move posted money (post_pending by its own amount); pending holds its amount; post, void and expire
 * release the whole hold of the pending they resolve.
 */
export function totalsDelta(transfer: TransferEffect, accountId: string): AccountTotals {
  const posted = transfer.kind === 'posted' || transfer.kind === 'post_pending' ? transfer.amountMinor : 0;
  const pending = transfer.kind === 'pending' ? transfer.amountMinor : transfer.kind === 'posted' ? 0 : -(transfer.pendingAmountMinor ?? 0);
  const isDebit = transfer.debitAccountId === accountId;
  const isCredit = transfer.creditAccountId === accountId;
  return {
    debitsPosted: isDebit ? posted : 0,
    creditsPosted: isCredit ? posted : 0,
    debitsPending: isDebit ? pending : 0,
    creditsPending: isCredit ? pending : 0,
  };
}

export function addTotals(left: AccountTotals, right: AccountTotals): AccountTotals {
  return {
    debitsPosted: left.debitsPosted + right.debitsPosted,
    creditsPosted: left.creditsPosted + right.creditsPosted,
    debitsPending: left.debitsPending + right.debitsPending,
    creditsPending: left.creditsPending + right.creditsPending,
  };
}

/** One bound on the transfers summed: `created_at` before / at-or-before a time, or up to a sequence. */
export type TotalsBound =
  | { createdBefore: Date }
  | { createdAtOrBefore: Date }
  /** Within [from, to) (either side open when null) and at or below a sequence: a statement page's start. */
  | { createdFrom: Date | null; createdBefore: Date | null; throughSequence: number };

function boundSql(bound: TotalsBound): { sql: string; params: unknown[] } {
  if ('throughSequence' in bound) {
    return {
      sql: `($2::timestamptz is null or t.created_at >= $2) and ($3::timestamptz is null or t.created_at < $3) and t.sequence <= $4`,
      params: [bound.createdFrom, bound.createdBefore, bound.throughSequence],
    };
  }
  if ('createdAtOrBefore' in bound) return { sql: 't.created_at <= $2', params: [bound.createdAtOrBefore] };
  return { sql: 't.created_at < $2', params: [bound.createdBefore] };
}

/**
 * The totals of an account summed from its transfers up to a bound: the balance as of a past time. The
 * same arithmetic as totalsDelta, in SQL, over the (debit|credit)_account_id indexes.
 */
export async function accountTotalsUpTo(queryable: Queryable, accountId: string, bound: TotalsBound): Promise<AccountTotals & { transfers: number; lastSequence: number | null }> {
  const { sql, params } = boundSql(bound);
  const { rows } = await queryable.query<AccountTotals & { transfers: number; lastSequence: number | null }>(
    `select
       coalesce(sum(case when t.debit_account_id = $1 and t.kind in ('posted', 'post_pending') then t.amount_minor else 0 end), 0)::bigint as "debitsPosted",
       coalesce(sum(case when t.credit_account_id = $1 and t.kind in ('posted', 'post_pending') then t.amount_minor else 0 end), 0)::bigint as "creditsPosted",
       coalesce(sum(case when t.debit_account_id = $1 then
         case t.kind when 'pending' then t.amount_minor when 'posted' then 0 else -p.amount_minor end else 0 end), 0)::bigint as "debitsPending",
       coalesce(sum(case when t.credit_account_id = $1 then
         case t.kind when 'pending' then t.amount_minor when 'posted' then 0 else -p.amount_minor end else 0 end), 0)::bigint as "creditsPending",
       count(*)::bigint as transfers,
       max(t.sequence) as "lastSequence"
     from ledger_transfer t
     left join ledger_transfer p on p.id = t.pending_id
     where (t.debit_account_id = $1 or t.credit_account_id = $1) and ${sql}`,
    [accountId, ...params],
  );
  return rows[0]!;
}
