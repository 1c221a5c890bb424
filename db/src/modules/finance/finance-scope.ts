import type { Actor } from '../../actor.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { accountFromRow, type AccountRow } from '../ledger/ledger-accounts.ts';
import type { LedgerAccount } from '../ledger/ledger.types.ts';

/**
 * Whose money a finance read may see: one merchant's accounts (merchant_id = the actor's merchant), or
 * every account of the platform. An actor working inside a merchant is always scoped to it, even a
 * staff member who is also an operator: the operator routes act as the operator explicitly.
 */
export type FinanceScope = { type: 'merchant'; merchantId: string } | { type: 'platform' };

export function financeScope(actor: Actor): FinanceScope {
  if ('merchantId' in actor) return { type: 'merchant', merchantId: actor.merchantId };
  if (actor.type === 'operator' || actor.type === 'system') return { type: 'platform' };
  throw new ForbiddenError('merchant_required', 'Sign in to a merchant to do this.');
}

/** For what only the platform may do (trial balance, reconciliation, provider callbacks). */
export function assertPlatformScope(actor: Actor): void {
  if (financeScope(actor).type !== 'platform') throw new ForbiddenError('operator_only', 'Only platform operators may do this.');
}

/** The account if the scope may see it; another merchant's account answers 404, as if it did not exist. */
export async function visibleAccount(queryable: Queryable, scope: FinanceScope, accountId: string): Promise<LedgerAccount> {
  const { rows } = await queryable.query<AccountRow>(
    `select * from ledger_account where id = $1 and ($2::uuid is null or merchant_id = $2::uuid)`,
    [accountId, scope.type === 'merchant' ? scope.merchantId : null],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('ledger_account', accountId);
  return accountFromRow(row);
}

/** The ids of a merchant's accounts (its balances and the holds of its group buys). */
export async function merchantAccountIds(queryable: Queryable, merchantId: string): Promise<string[]> {
  const { rows } = await queryable.query<{ id: string }>('select id from ledger_account where merchant_id = $1 order by id', [merchantId]);
  return rows.map((row) => row.id);
}
