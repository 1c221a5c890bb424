import type { CurrencyCode } from '../../money.ts';

/**
 * The seam to whoever moves money outside the platform: the bank or payment service that pays merchants
 * out and clears card payments. A real provider (Stripe Connect payouts, a bank API) implements this;
 * the built-in `local` provider (local-payout-provider.ts) does for the demo and the tests.
 */
export interface PaymentsProvider {
  readonly name: string;

  /**
   * Asks the provider to pay a merchant. Must be idempotent on `payoutId` (sent as the provider's
   * idempotency key): a retry returns the first payout. The outcome arrives later as a ProviderEvent,
   * unless the provider refuses at once (`failed`).
   */
  createPayout(request: PayoutRequest): Promise<PayoutSubmission>;

  /** Every record the provider holds whose creation time is in [from, to): payouts, card charges, card refunds. */
  listRecords(period: { from: Date; to: Date }): AsyncIterable<ProviderRecord>;
}

export interface PayoutRequest {
  payoutId: string;
  merchantId: string;
  amountMinor: number;
  currency: CurrencyCode;
}

export type PayoutSubmission =
  | { status: 'pending'; providerReference: string }
  | { status: 'failed'; providerReference: string | null; failureCode: string; failureMessage: string };

/** What the provider tells us about a payout, by callback (webhook) or by polling. */
export interface ProviderEvent {
  provider: string;
  /** The provider's id of this event: the same event delivered twice carries the same id. */
  eventId: string;
  type: 'payout.paid' | 'payout.failed';
  providerReference: string;
  failureCode?: string;
  failureMessage?: string;
}

export type ProviderRecordKind = 'payout' | 'charge' | 'refund';

/** One line of the provider's own books, with the reference we gave it (kept in its metadata). */
export interface ProviderRecord {
  providerReference: string;
  kind: ProviderRecordKind;
  amountMinor: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  /** Our record: `payout` + payout id, or the ledger reference of a card movement (`order` + order id ...). */
  referenceType: string | null;
  referenceId: string | null;
  /** Card movements: the Stripe payment intent the charge or refund belongs to (the reconciliation key). */
  paymentIntentId?: string | null;
  createdAt: Date;
}
