import { DomainError, type DomainErrorType } from '../../errors.ts';
import type { FailedTransferResult, LedgerErrorCode, OpenAccountInput } from './ledger.types.ts';

/** Each per-transfer code as a DomainError type, hence an HTTP status (409 for id reuse, 422 for rules ...). */
export const LEDGER_ERROR_TYPES: Record<LedgerErrorCode, DomainErrorType> = {
  id_reused_with_different_body: 'conflict',
  linked_event_failed: 'business_rule',
  linked_event_chain_open: 'validation',
  invalid_transfer: 'validation',
  same_account: 'validation',
  account_not_found: 'not_found',
  currency_mismatch: 'business_rule',
  insufficient_funds: 'business_rule',
  overflow: 'business_rule',
  pending_not_found: 'not_found',
  pending_account_mismatch: 'business_rule',
  pending_already_posted: 'conflict',
  pending_already_voided: 'conflict',
  pending_expired: 'conflict',
  pending_not_expired: 'conflict',
  exceeds_pending_amount: 'business_rule',
  correction_not_found: 'not_found',
  correction_not_reversing: 'business_rule',
  reversal_exceeds_remaining: 'business_rule',
};

/** A rejected transfer as a DomainError, for callers that want one exception instead of per-transfer results. */
export class LedgerTransferError extends DomainError {
  constructor(readonly result: FailedTransferResult) {
    super(LEDGER_ERROR_TYPES[result.code], result.code, result.message, result.field ? { [result.field]: result.message } : undefined);
  }
}

export class LedgerBatchTooLargeError extends DomainError {
  constructor(limit: number) {
    super('validation', 'batch_too_large', `At most ${limit} transfers may be submitted at once.`, { transfers: `must hold at most ${limit} transfers` });
  }
}

/**
 * Thrown by LedgerService.knownAccountRecipes for an account this process has not opened yet: not a
 * refusal, a request to open it (LedgerService.openAccount, outside the caller's transaction) and retry.
 */
export class AccountNotKnownYet extends Error {
  constructor(readonly account: OpenAccountInput) {
    super(`The ledger account ${account.kind}/${account.currency} is not known to this process yet.`);
  }
}
