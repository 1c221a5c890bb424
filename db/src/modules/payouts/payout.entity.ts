import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, moneyColumn, updatedAtColumn } from '../../entity-columns.ts';
import type { CurrencyCode } from '../../money.ts';

/**
 * pending: the ledger holds the money; posted: the provider paid it out; voided: it failed and the hold was
 * released; expired: the hold's timeout passed first (PAYOUT_HOLD_TIMEOUT_SECONDS) and the ledger released it.
 */
export type PayoutStatus = 'pending' | 'posted' | 'voided' | 'expired';

export interface Payout {
  id: string;
  merchantId: string;
  currency: CurrencyCode;
  amountMinor: number;
  status: PayoutStatus;
  /** The payout provider's name (`local` for the built-in fake). */
  provider: string;
  /** The provider's id of the payout; null until the provider accepted it. */
  providerReference: string | null;
  /** The merchant_available account the money leaves. */
  sourceAccountId: string;
  /** The ledger's pending transfer that holds the money. */
  holdTransferId: string;
  /** The ledger transfer that posted or voided the hold. */
  resolutionTransferId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  requestedBy: string | null;
  idempotencyKey: string | null;
  idempotencyRequest: Record<string, unknown>;
  attemptCount: number;
  lastAttemptAt: Date | null;
  lastError: string | null;
  needsAttentionAt: Date | null;
  attentionReason: string | null;
  expiredAt: Date | null;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
  postedAt: Date | null;
  voidedAt: Date | null;
}

export const PayoutEntity = new EntitySchema<Payout>({
  name: 'Payout',
  tableName: 'payout',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    currency: { type: 'string', length: 3 },
    amountMinor: moneyColumn(),
    status: { type: 'string' },
    provider: { type: 'string' },
    providerReference: { type: 'string', nullable: true },
    sourceAccountId: { type: 'uuid' },
    holdTransferId: { type: 'uuid' },
    resolutionTransferId: { type: 'uuid', nullable: true },
    failureCode: { type: 'string', nullable: true },
    failureMessage: { type: 'string', nullable: true },
    requestedBy: { type: 'string', nullable: true },
    idempotencyKey: { type: 'string', nullable: true },
    idempotencyRequest: { type: 'json', hidden: true },
    attemptCount: { type: 'integer', default: 0 },
    lastAttemptAt: { type: 'Date', nullable: true },
    lastError: { type: 'text', nullable: true },
    needsAttentionAt: { type: 'Date', nullable: true },
    attentionReason: { type: 'string', nullable: true },
    expiredAt: { type: 'Date', nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
    postedAt: { type: 'Date', nullable: true },
    voidedAt: { type: 'Date', nullable: true },
  },
});
