import type { CurrencyCode } from '../../money.ts';

export const ACCOUNT_KINDS = [
  'shopper_wallet',
  'merchant_available',
  'merchant_pending',
  'escrow',
  'platform_fees',
  'card_clearing',
  'payouts_in_transit',
  'red_envelope_hold',
  'group_buy_hold',
  'world',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export const OWNER_TYPES = ['shopper', 'merchant', 'red_envelope', 'group_buy', 'platform'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];

export const TRANSFER_KINDS = ['posted', 'pending', 'post_pending', 'void_pending', 'expire_pending'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** Kinds that resolve an earlier pending transfer. */
export type ResolvingKind = Extract<TransferKind, 'post_pending' | 'void_pending' | 'expire_pending'>;

export const PENDING_STATUSES = ['pending', 'posted', 'voided', 'expired'] as const;
export type PendingStatus = (typeof PENDING_STATUSES)[number];

export interface LedgerAccount {
  id: string;
  kind: AccountKind;
  currency: CurrencyCode;
  ownerType: OwnerType;
  ownerId: string | null;
  merchantId: string | null;
  debitsMustNotExceedCredits: boolean;
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
  /** Escrow's sub-account (docs/ledger.md §5), 0 for every other kind; read by the lists, not by the write path. */
  shard?: number;
  createdAt: Date;
}

/** What a caller sends. Omitted fields of post/void/expire are taken from the pending transfer. */
export interface TransferInput {
  id: string;
  kind?: TransferKind;
  debitAccountId?: string;
  creditAccountId?: string;
  amountMinor?: number;
  currency?: string;
  pendingId?: string;
  /** Pending transfers only: seconds until the hold expires; 0 or absent = never. */
  timeoutSeconds?: number;
  /** This transfer and the next one succeed or fail together. */
  linked?: boolean;
  reason?: string;
  referenceType?: string;
  referenceId?: string;
  /** The posted transfer this one reverses (in part or in full). */
  correctsId?: string;
  metadata?: Record<string, unknown>;
}

/** The fields that make a transfer's identity for idempotency: a transfer's body after defaults. */
export interface TransferBody {
  id: string;
  kind: TransferKind;
  pendingId: string | null;
  debitAccountId: string;
  creditAccountId: string;
  amountMinor: number;
  currency: string;
  timeoutSeconds: number;
  linked: boolean;
  reason: string;
  referenceType: string | null;
  referenceId: string | null;
  correctsId: string | null;
  metadata: Record<string, unknown>;
}

export interface LedgerTransfer extends TransferBody {
  /** Position in the hash chain; null until the sealer has sealed the row (after its commit). */
  sequence: number | null;
  bodyHash: string;
  /** Null until sealed, like `sequence`. */
  previousHash: string | null;
  /** Null until sealed, like `sequence`. */
  hash: string | null;
  createdAt: Date;
}

/** A transfer that has its place in the chain. */
export type SealedLedgerTransfer = LedgerTransfer & { sequence: number; previousHash: string; hash: string };

export type TransferResult =
  | { id: string; status: 'created' | 'exists'; transfer: LedgerTransfer }
  | { id: string; status: 'failed'; code: LedgerErrorCode; message: string; field?: string };

export type FailedTransferResult = Extract<TransferResult, { status: 'failed' }>;

export const LEDGER_ERROR_CODES = [
  'id_reused_with_different_body',
  'linked_event_failed',
  'linked_event_chain_open',
  'invalid_transfer',
  'same_account',
  'account_not_found',
  'currency_mismatch',
  'insufficient_funds',
  'overflow',
  'pending_not_found',
  'pending_account_mismatch',
  'pending_already_posted',
  'pending_already_voided',
  'pending_expired',
  'pending_not_expired',
  'exceeds_pending_amount',
  'correction_not_found',
  'correction_not_reversing',
  'reversal_exceeds_remaining',
] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/** The state of a pending transfer as the write path needs it. */
export interface PendingState {
  transferId: string;
  debitAccountId: string;
  creditAccountId: string;
  amountMinor: number;
  currency: string;
  timeoutAtMs: number | null;
  status: PendingStatus;
  postedAmountMinor: number;
  resolvedById: string | null;
  resolvedAtMs: number | null;
  reason: string;
  referenceType: string | null;
  referenceId: string | null;
}

/** A posted transfer that a correction may reverse, with how much of it is reversed already. */
export interface CorrectionTarget {
  id: string;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amountMinor: number;
  reversedMinor: number;
}

/** Transfers decided inside a caller's transaction and not written yet: `write()` sends their one write statement. */
export interface DecidedTransfers {
  transfers: LedgerTransfer[];
  write(): Promise<void>;
}

/** Which account to open (or find): its identity. */
export interface OpenAccountInput {
  kind: AccountKind;
  currency: CurrencyCode;
  /** The shopper, merchant, envelope or group buy; none for platform accounts. */
  ownerId?: string;
  /** Tenancy of accounts not owned by a merchant (a merchant's group buy hold). */
  merchantId?: string;
  /** Escrow's sub-account (docs/ledger.md §5); 0, the default, for every other kind. */
  shard?: number;
}
