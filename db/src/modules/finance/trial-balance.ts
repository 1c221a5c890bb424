import type { Queryable } from '../../pool-transaction.ts';
import type { CurrencyCode } from '../../money.ts';
import type { AccountKind } from '../ledger/ledger.types.ts';

interface TrialBalanceTotals {
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
  /** The classic trial balance's two columns: each kind's net posted balance on the side where it lies. */
  debitBalancesMinor: number;
  creditBalancesMinor: number;
}

export interface TrialBalanceKind extends TrialBalanceTotals {
  kind: AccountKind;
  accounts: number;
}

export interface TrialBalanceCurrency extends TrialBalanceTotals {
  currency: CurrencyCode;
  balanced: boolean;
  kinds: TrialBalanceKind[];
}

export interface TrialBalance {
  asOf: Date | null;
  balanced: boolean;
  currencies: TrialBalanceCurrency[];
}

interface KindRow {
  currency: CurrencyCode;
  kind: AccountKind;
  accounts: number;
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
}

/** Now: the account rows' running totals, grouped. Cheap, and what verify() holds to the transfers. */
const CURRENT_SQL = `
  select currency, kind, count(*)::bigint as accounts,
         sum(debits_posted)::bigint as "debitsPosted", sum(credits_posted)::bigint as "creditsPosted",
         sum(debits_pending)::bigint as "debitsPending", sum(credits_pending)::bigint as "creditsPending"
    from ledger_account group by currency, kind order by currency, kind`;

/**
 * As of a past time: the latest daily balance snapshot at or before then (docs/finance.md §2), plus every
 * transfer after it up to then, once per leg (debit and credit), with the ledger's pending arithmetic (a
 * post/void/expire releases the whole hold of its pending). A leg is left out when its account's
 * snapshot holds it (created before the cut, sequence within the snapshot); every leg a snapshot left out
 * has a sequence at or above the cut's smallest first_sequence_after_cut, so only the transfers since
 * the cut are read. Without a snapshot, every transfer up to then.
 */
const AS_OF_SQL = `
  with cut as (
    select max(cut_at) as cut_at from ledger_balance_snapshot where cut_at <= $1
  ), snapshots as (
    select s.* from ledger_balance_snapshot s where s.cut_at = (select cut_at from cut)
  ), legs as (
    select a.currency, a.kind, legs.side,
           case when t.kind in ('posted', 'post_pending') then t.amount_minor else 0 end as posted,
           case t.kind when 'pending' then t.amount_minor when 'posted' then 0 else -p.amount_minor end as pending
      from ledger_transfer t
      left join ledger_transfer p on p.id = t.pending_id
      cross join lateral (values ('debit', t.debit_account_id), ('credit', t.credit_account_id)) as legs (side, account_id)
      join ledger_account a on a.id = legs.account_id
      left join snapshots s on s.account_id = legs.account_id
     where t.created_at <= $1
       and t.sequence >= coalesce((select min(first_sequence_after_cut) from snapshots), 0)
       and not (s.account_id is not null and t.created_at < s.cut_at and t.sequence <= s.through_sequence)
    union all
    select a.currency, a.kind, 'debit', s.debits_posted, s.debits_pending from snapshots s join ledger_account a on a.id = s.account_id
    union all
    select a.currency, a.kind, 'credit', s.credits_posted, s.credits_pending from snapshots s join ledger_account a on a.id = s.account_id
  ), sums as (
    select currency, kind,
           sum(case when side = 'debit' then posted else 0 end)::bigint as "debitsPosted",
           sum(case when side = 'credit' then posted else 0 end)::bigint as "creditsPosted",
           sum(case when side = 'debit' then pending else 0 end)::bigint as "debitsPending",
           sum(case when side = 'credit' then pending else 0 end)::bigint as "creditsPending"
      from legs group by currency, kind
  ), counts as (
    -- Accounts opened by then; a full join below keeps every transfer even if its account's row is younger.
    select currency, kind, count(*)::bigint as accounts from ledger_account where created_at <= $1 group by currency, kind
  )
  select coalesce(c.currency, s.currency) as currency, coalesce(c.kind, s.kind) as kind, coalesce(c.accounts, 0)::bigint as accounts,
         coalesce(s."debitsPosted", 0)::bigint as "debitsPosted", coalesce(s."creditsPosted", 0)::bigint as "creditsPosted",
         coalesce(s."debitsPending", 0)::bigint as "debitsPending", coalesce(s."creditsPending", 0)::bigint as "creditsPending"
    from counts c full join sums s on s.currency = c.currency and s.kind = c.kind
   order by 1, 2`;

function withBalanceColumns<Row extends Omit<TrialBalanceTotals, 'debitBalancesMinor' | 'creditBalancesMinor'>>(row: Row): Row & TrialBalanceTotals {
  const net = row.debitsPosted - row.creditsPosted;
  return { ...row, debitBalancesMinor: net > 0 ? net : 0, creditBalancesMinor: net < 0 ? -net : 0 };
}

/** Per currency and account kind: totals, the debit/credit balance columns, and whether it balances. */
export async function trialBalance(queryable: Queryable, asOf: Date | null): Promise<TrialBalance> {
  const { rows } = asOf ? await queryable.query<KindRow>(AS_OF_SQL, [asOf]) : await queryable.query<KindRow>(CURRENT_SQL);
  const byCurrency = new Map<CurrencyCode, TrialBalanceCurrency>();
  for (const row of rows) {
    const kindRow = withBalanceColumns(row);
    const currency =
      byCurrency.get(row.currency) ??
      { currency: row.currency, balanced: true, debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0, debitBalancesMinor: 0, creditBalancesMinor: 0, kinds: [] };
    currency.kinds.push({
      kind: row.kind,
      accounts: row.accounts,
      debitsPosted: row.debitsPosted,
      creditsPosted: row.creditsPosted,
      debitsPending: row.debitsPending,
      creditsPending: row.creditsPending,
      debitBalancesMinor: kindRow.debitBalancesMinor,
      creditBalancesMinor: kindRow.creditBalancesMinor,
    });
    currency.debitsPosted += row.debitsPosted;
    currency.creditsPosted += row.creditsPosted;
    currency.debitsPending += row.debitsPending;
    currency.creditsPending += row.creditsPending;
    currency.debitBalancesMinor += kindRow.debitBalancesMinor;
    currency.creditBalancesMinor += kindRow.creditBalancesMinor;
    byCurrency.set(row.currency, currency);
  }
  const currencies = [...byCurrency.values()];
  for (const currency of currencies) {
    currency.balanced = currency.debitsPosted === currency.creditsPosted && currency.debitsPending === currency.creditsPending;
  }
  return { asOf, balanced: currencies.every((currency) => currency.balanced), currencies };
}
