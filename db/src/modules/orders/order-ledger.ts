import type { LedgerAccount } from '../ledger/ledger.types.ts';
import { orderPaymentEscrowAccountId } from '../ledger/ledger-escrow.ts';
import { LedgerRecipes, type RecipeDependencies } from '../ledger/ledger-recipes.ts';
import { TRANSFER_COLUMNS, transferFromRow, type LedgerClient, type TransferRow } from '../ledger/ledger-store.ts';
import type { DecidedTransfers, LedgerTransfer, TransferInput, TransferResult } from '../ledger/ledger.types.ts';

/** What orders need of the ledger (docs/ledger.md): account opening, their recipes, the in-transaction write path. */
export interface OrderLedger {
  recipes: Pick<LedgerRecipes, 'walletPayment' | 'refund' | 'orderSettlement' | 'referralCommission'>;
  /** The recipes without I/O, inside a transaction that holds locks (LedgerService.knownAccountRecipes). */
  knownAccountRecipes: Pick<LedgerRecipes, 'walletPayment'>;
  openAccount: RecipeDependencies['openAccount'];
  readonly escrowShards: number;
  recordInTransaction(client: LedgerClient, transfers: readonly TransferInput[]): Promise<LedgerTransfer[]>;
  decideInTransaction(client: LedgerClient, transfers: readonly TransferInput[]): Promise<DecidedTransfers>;
  applyInTransaction(client: LedgerClient, transfers: readonly TransferInput[]): Promise<TransferResult[]>;
}

/**
 * The ledger's own recipes, reading the transfers they build on through the caller's client. Inside a
 * transaction this matters: a recipe that took a second pooled connection while this one holds row
 * locks could wait forever for a pool that the lock's waiters have drained.
 */
export function recipesOn(client: LedgerClient, ledger: OrderLedger): Pick<LedgerRecipes, 'refund' | 'orderSettlement' | 'settlementReversal' | 'settlementReversalUndo' | 'referralCommissionReversal' | 'referralCommissionReversalUndo'> {
  return new LedgerRecipes({
    openAccount: (input): Promise<LedgerAccount> => ledger.openAccount(input),
    getTransferById: async (id) => {
      const { rows } = await client.query<TransferRow>(`select ${TRANSFER_COLUMNS} from ledger_transfer where id = $1`, [id]);
      return rows[0] ? transferFromRow(rows[0]) : null;
    },
    orderPaymentEscrowAccountId: (orderId) => orderPaymentEscrowAccountId(client, orderId),
    escrowShards: ledger.escrowShards,
  });
}
