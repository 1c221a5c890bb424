import { containsPattern } from '../../search-pattern.ts';
import type { FilterQuery } from '@mikro-orm/postgresql';
import type { Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import type { CurrencyCode } from '../../money.ts';
import { NotFoundError } from '../../errors.ts';
import { LedgerAccountEntity } from '../ledger/ledger-account.entity.ts';
import { LedgerTransferEntity } from '../ledger/ledger-transfer.entity.ts';
import { accountBalances, accountFromRow, type AccountBalances, type AccountRow } from '../ledger/ledger-accounts.ts';
import type { AccountListFilterInput, TransferListFilterInput } from '../ledger/ledger.schemas.ts';
import type { AccountKind, LedgerAccount, LedgerTransfer, OwnerType, TransferKind } from '../ledger/ledger.types.ts';
import { accountTotalsUpTo, addTotals, snapshotOf, totalsDelta, ZERO_TOTALS, type AccountTotals, type BalanceSnapshot } from './account-totals.ts';
import { accountTotalsAt, snapshotCut, takeBalanceSnapshots } from './balance-snapshots.ts';
import { parsePeriod } from './finance-period.ts';
import { assertPlatformScope, financeScope, merchantAccountIds, visibleAccount } from './finance-scope.ts';
import type { BalanceQueryInput, StatementQueryInput } from './finance.schemas.ts';
import { trialBalance, type TrialBalance } from './trial-balance.ts';
import { sealBeforeRead } from '../ledger/ledger-sealer.ts';
import { accountsShownAs, escrowTotalsByCurrency, sumCountedTotals } from './escrow-sub-accounts.ts';

export type FinanceAccountView = LedgerAccount & AccountBalances;

export interface AccountBalance extends BalanceSnapshot {
  accountId: string;
  kind: AccountKind;
  currency: CurrencyCode;
  asOf: Date | null;
  transfers: number;
  lastSequence: number | null;
}

export interface StatementLine {
  transferId: string;
  sequence: number;
  createdAt: Date;
  kind: TransferKind;
  side: 'debit' | 'credit';
  counterpartyAccountId: string;
  amountMinor: number;
  debitMinor: number;
  creditMinor: number;
  balanceMinor: number;
  availableMinor: number;
  reason: string;
  referenceType: string | null;
  referenceId: string | null;
  pendingId: string | null;
  correctsId: string | null;
}

export interface Statement {
  accountId: string;
  kind: AccountKind;
  currency: CurrencyCode;
  from: Date | null;
  to: Date | null;
  opening: BalanceSnapshot;
  closing: BalanceSnapshot;
  debitsMinor: number;
  creditsMinor: number;
  movements: number;
  lines: StatementLine[];
  nextAfterSequence: number | null;
}

export interface MerchantBalance {
  currency: CurrencyCode;
  availableMinor: number;
  balanceMinor: number;
  heldForPayoutsMinor: number;
  pendingSettlementMinor: number;
}

interface StatementRow {
  id: string;
  sequence: number;
  kind: TransferKind;
  debit_account_id: string;
  credit_account_id: string;
  amount_minor: number;
  pending_amount_minor: number | null;
  reason: string;
  reference_type: string | null;
  reference_id: string | null;
  pending_id: string | null;
  corrects_id: string | null;
  created_at: Date;
}

function withBalances(account: LedgerAccount): FinanceAccountView {
  return { ...account, ...accountBalances(account) };
}

const FAR_FUTURE = new Date('9999-12-31T00:00:00.000Z');

/**
 * Read side of the ledger for finance: accounts, balances (now or as of a past time) and statements.
 * Everything is computed from ledger_transfer by the ledger's own arithmetic, so a statement's closing
 * balance equals the account row's totals and an export re-adds to the same numbers.
 */
export class FinanceService {
  constructor(private readonly database: Database) {}

  /**
   * The journal as a simple-rest list (the console's journal page, docs/console-api.md §6): a merchant
   * sees the transfers that touch one of its accounts, the operator every transfer.
   */
  async listTransfers(actor: Actor, query: ListQuery<TransferListFilterInput>): Promise<ListPage<LedgerTransfer>> {
    const scope = financeScope(actor);
    await sealBeforeRead(this.database.pool);
    const { filter } = query;
    const conditions: FilterQuery<LedgerTransfer>[] = [];
    if (scope.type === 'merchant') {
      const accountIds = await merchantAccountIds(this.database.pool, scope.merchantId);
      conditions.push({ $or: [{ debitAccountId: { $in: accountIds } }, { creditAccountId: { $in: accountIds } }] });
    }
    if (filter.id) conditions.push({ id: { $in: filter.id } });
    if (filter.accountId) conditions.push({ $or: [{ debitAccountId: filter.accountId }, { creditAccountId: filter.accountId }] });
    if (filter.kind) conditions.push({ kind: filter.kind as LedgerTransfer['kind'] });
    if (filter.currency) conditions.push({ currency: filter.currency });
    if (filter.reason) conditions.push({ reason: filter.reason });
    if (filter.referenceType) conditions.push({ referenceType: filter.referenceType });
    if (filter.referenceId) conditions.push({ referenceId: filter.referenceId });
    if (filter.pendingId) conditions.push({ pendingId: filter.pendingId });
    if (filter.correctsId) conditions.push({ correctsId: filter.correctsId });
    if (filter.q) conditions.push({ $or: [{ reason: { $ilike: containsPattern(filter.q) } }, { referenceId: { $ilike: containsPattern(filter.q) } }] });
    if (filter.from) conditions.push({ createdAt: { $gte: new Date(filter.from) } });
    if (filter.to) conditions.push({ createdAt: { $lt: new Date(filter.to) } });
    return findPage(this.database.orm.em.fork(), LedgerTransferEntity, conditions.length ? { $and: conditions } : {}, query);
  }

  /** One transfer; a transfer that touches none of the merchant's accounts answers 404, as if it did not exist. */
  async getTransfer(actor: Actor, id: string): Promise<LedgerTransfer> {
    const page = await this.listTransfers(actor, { sortField: 'sequence', sortOrder: 'ASC', offset: 0, limit: 1, filter: { id: [id] } });
    if (!page.items[0]) throw new NotFoundError('ledger_transfer', id);
    return page.items[0];
  }

  async listAccounts(actor: Actor, query: ListQuery<AccountListFilterInput>): Promise<ListPage<FinanceAccountView>> {
    const scope = financeScope(actor);
    const { filter } = query;
    // Escrow's sub-accounts show as one account per currency: the one of shard 0 (escrow-sub-accounts.ts).
    const conditions: FilterQuery<LedgerAccount>[] = [{ shard: 0 }];
    if (scope.type === 'merchant') conditions.push({ merchantId: scope.merchantId });
    if (filter.id) conditions.push({ id: { $in: filter.id } });
    if (filter.kind) conditions.push({ kind: filter.kind as AccountKind });
    if (filter.currency) conditions.push({ currency: filter.currency as CurrencyCode });
    if (filter.ownerType) conditions.push({ ownerType: filter.ownerType as OwnerType });
    if (filter.ownerId) conditions.push({ ownerId: filter.ownerId });
    if (filter.merchantId) conditions.push({ merchantId: filter.merchantId });
    if (filter.q) conditions.push({ $or: [{ kind: { $ilike: containsPattern(filter.q) } }, { currency: { $ilike: containsPattern(filter.q) } }] } as FilterQuery<LedgerAccount>);
    const page = await findPage(this.database.orm.em.fork(), LedgerAccountEntity, { $and: conditions }, query);
    return { ...page, items: (await this.withEscrowSummed(page.items)).map(withBalances) };
  }

  async getAccount(actor: Actor, id: string): Promise<FinanceAccountView> {
    const [account] = await this.withEscrowSummed([await visibleAccount(this.database.pool, financeScope(actor), id)]);
    return withBalances(account!);
  }

  /** Escrow accounts carry the totals of all their currency's sub-accounts (escrow-sub-accounts.ts). */
  private async withEscrowSummed(accounts: LedgerAccount[]): Promise<LedgerAccount[]> {
    const escrowCurrencies = [...new Set(accounts.filter((account) => account.kind === 'escrow').map((account) => account.currency))];
    const sums = await escrowTotalsByCurrency(this.database.pool, escrowCurrencies);
    return accounts.map((account) => (account.kind === 'escrow' ? { ...account, ...sums.get(account.currency) } : account));
  }

  /** The merchant's money per currency: what it may pay out, what payouts hold, what waits for release. */
  async merchantBalances(actor: Actor): Promise<MerchantBalance[]> {
    const scope = financeScope(actor);
    if (scope.type !== 'merchant') return [];
    const { rows } = await this.database.pool.query<AccountRow>(
      `select * from ledger_account where owner_id = $1 and kind in ('merchant_available', 'merchant_pending') order by currency, kind`,
      [scope.merchantId],
    );
    const byCurrency = new Map<CurrencyCode, MerchantBalance>();
    for (const account of rows.map(accountFromRow)) {
      const balance = byCurrency.get(account.currency) ?? { currency: account.currency, availableMinor: 0, balanceMinor: 0, heldForPayoutsMinor: 0, pendingSettlementMinor: 0 };
      const balances = accountBalances(account);
      if (account.kind === 'merchant_available') {
        balance.availableMinor = balances.availableMinor;
        balance.balanceMinor = balances.balanceMinor;
        balance.heldForPayoutsMinor = account.debitsPending;
      } else {
        balance.pendingSettlementMinor = balances.balanceMinor;
      }
      byCurrency.set(account.currency, balance);
    }
    return [...byCurrency.values()];
  }

  /**
   * The balance as the account stood at `asOf` (inclusive): its latest daily snapshot at or before then
   * plus its transfers since, never a sum over its whole history.
   */
  async balance(actor: Actor, accountId: string, input: BalanceQueryInput): Promise<AccountBalance> {
    const account = await visibleAccount(this.database.pool, financeScope(actor), accountId);
    const asOf = input.asOf === undefined ? null : new Date(input.asOf);
    await sealBeforeRead(this.database.pool);
    const shownAs = await accountsShownAs(this.database.pool, account);
    const totals = sumCountedTotals(await Promise.all(shownAs.map((id) => accountTotalsAt(this.database.pool, id, { createdAtOrBefore: asOf ?? FAR_FUTURE }))));
    const { transfers, lastSequence, ...sums } = totals;
    return { accountId: account.id, kind: account.kind, currency: account.currency, asOf, ...snapshotOf(account.kind, sums), transfers, lastSequence };
  }

  /**
   * The job `ledger.snapshot_balances`: writes every account's daily balance snapshot at the latest
   * midnight (UTC) that lies at least `marginMs` in the past. Idempotent.
   */
  async takeBalanceSnapshots(now: Date = new Date(), marginMs = 15 * 60_000): Promise<{ cutAt: Date; accounts: number }> {
    const cutAt = snapshotCut(now, marginMs);
    await sealBeforeRead(this.database.pool);
    const { accounts } = await takeBalanceSnapshots(this.database.pool, cutAt);
    return { cutAt, accounts };
  }

  /** The whole platform's trial balance per currency, now or as of a past time; operators only. */
  async trialBalance(actor: Actor, input: BalanceQueryInput): Promise<TrialBalance> {
    assertPlatformScope(actor);
    await sealBeforeRead(this.database.pool);
    return trialBalance(this.database.pool, input.asOf === undefined ? null : new Date(input.asOf));
  }

  /**
   * Opening balance, the period's movements with running balances, closing balance. The period is
   * [from, to) on transfer creation time; lines come in sequence order, a page at a time, and every page
   * starts from the running totals of everything before it, so pages chain exactly.
   */
  async statement(actor: Actor, accountId: string, input: StatementQueryInput): Promise<Statement> {
    const account = await visibleAccount(this.database.pool, financeScope(actor), accountId);
    const { from, to } = parsePeriod(input);
    const limit = input.limit ?? 1_000;
    const pool = this.database.pool;
    await sealBeforeRead(pool);
    // Escrow's statement covers all its currency's sub-accounts (escrow-sub-accounts.ts); no transfer moves money between two of them.
    const shownAs = await accountsShownAs(pool, account);
    const members = new Set(shownAs);
    const summed = async (totalsOf: (id: string) => Promise<Parameters<typeof sumCountedTotals>[0][number]>) => sumCountedTotals(await Promise.all(shownAs.map(totalsOf)));
    // Opening and closing from the snapshots; a later page's start sums only the period before it.
    const [openingTotals, closingTotals, pageStart] = await Promise.all([
      from ? summed((id) => accountTotalsAt(pool, id, { createdBefore: from })) : null,
      summed((id) => accountTotalsAt(pool, id, { createdBefore: to ?? FAR_FUTURE })),
      input.afterSequence ? summed((id) => accountTotalsUpTo(pool, id, { createdFrom: from, createdBefore: to, throughSequence: input.afterSequence! })) : null,
    ]);
    const opening = openingTotals ? stripCounts(openingTotals) : ZERO_TOTALS;
    const closing = stripCounts(closingTotals);

    const { rows } = await pool.query<StatementRow>(
      `select t.id, t.sequence, t.kind, t.debit_account_id, t.credit_account_id, t.amount_minor, p.amount_minor as pending_amount_minor,
              t.reason, t.reference_type, t.reference_id, t.pending_id, t.corrects_id, t.created_at
         from ledger_transfer t
         left join ledger_transfer p on p.id = t.pending_id
        where (t.debit_account_id = any($1::uuid[]) or t.credit_account_id = any($1::uuid[]))
          and ($2::timestamptz is null or t.created_at >= $2) and ($3::timestamptz is null or t.created_at < $3)
          and t.sequence > $4
        order by t.sequence
        limit $5`,
      [shownAs, from, to, input.afterSequence ?? 0, limit + 1],
    );
    const hasMore = rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, limit) : rows;

    let running: AccountTotals = pageStart ? addTotals(opening, stripCounts(pageStart)) : opening;
    const lines = pageRows.map((row): StatementLine => {
      const effect = { kind: row.kind, debitAccountId: row.debit_account_id, creditAccountId: row.credit_account_id, amountMinor: row.amount_minor, pendingAmountMinor: row.pending_amount_minor };
      const isDebit = members.has(row.debit_account_id);
      const delta = totalsDelta(effect, isDebit ? row.debit_account_id : row.credit_account_id);
      running = addTotals(running, delta);
      const balances = accountBalances({ kind: account.kind, ...running });
      return {
        transferId: row.id,
        sequence: row.sequence,
        createdAt: row.created_at,
        kind: row.kind,
        side: isDebit ? 'debit' : 'credit',
        counterpartyAccountId: isDebit ? row.credit_account_id : row.debit_account_id,
        amountMinor: row.amount_minor,
        debitMinor: delta.debitsPosted,
        creditMinor: delta.creditsPosted,
        balanceMinor: balances.balanceMinor,
        availableMinor: balances.availableMinor,
        reason: row.reason,
        referenceType: row.reference_type,
        referenceId: row.reference_id,
        pendingId: row.pending_id,
        correctsId: row.corrects_id,
      };
    });

    return {
      accountId: account.id,
      kind: account.kind,
      currency: account.currency,
      from,
      to,
      opening: snapshotOf(account.kind, opening),
      closing: snapshotOf(account.kind, closing),
      debitsMinor: closing.debitsPosted - opening.debitsPosted,
      creditsMinor: closing.creditsPosted - opening.creditsPosted,
      movements: closingTotals.transfers - (openingTotals?.transfers ?? 0),
      lines,
      nextAfterSequence: hasMore ? pageRows[pageRows.length - 1]!.sequence : null,
    };
  }
}

function stripCounts(totals: AccountTotals & { transfers: number; lastSequence: number | null }): AccountTotals {
  return { debitsPosted: totals.debitsPosted, creditsPosted: totals.creditsPosted, debitsPending: totals.debitsPending, creditsPending: totals.creditsPending };
}
