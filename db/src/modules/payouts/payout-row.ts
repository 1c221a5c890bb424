import type { CurrencyCode } from '../../money.ts';
import type { Payout, PayoutStatus } from './payout.entity.ts';

/** A payout as the raw pool reads it: the write path runs on the ledger's pg transaction, not the ORM. */
export interface PayoutRow {
  id: string;
  merchant_id: string;
  currency: string;
  amount_minor: number;
  status: PayoutStatus;
  provider: string;
  provider_reference: string | null;
  source_account_id: string;
  hold_transfer_id: string;
  resolution_transfer_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  requested_by: string | null;
  idempotency_key: string | null;
  idempotency_request: Record<string, unknown>;
  attempt_count: number;
  last_attempt_at: Date | null;
  last_error: string | null;
  needs_attention_at: Date | null;
  attention_reason: string | null;
  expired_at: Date | null;
  created_at: Date;
  updated_at: Date;
  posted_at: Date | null;
  voided_at: Date | null;
}

export function payoutFromRow(row: PayoutRow): Payout {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    currency: row.currency as CurrencyCode,
    amountMinor: row.amount_minor,
    status: row.status,
    provider: row.provider,
    providerReference: row.provider_reference,
    sourceAccountId: row.source_account_id,
    holdTransferId: row.hold_transfer_id,
    resolutionTransferId: row.resolution_transfer_id,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    requestedBy: row.requested_by,
    idempotencyKey: row.idempotency_key,
    idempotencyRequest: row.idempotency_request,
    attemptCount: row.attempt_count,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    needsAttentionAt: row.needs_attention_at,
    attentionReason: row.attention_reason,
    expiredAt: row.expired_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    postedAt: row.posted_at,
    voidedAt: row.voided_at,
  };
}
