import type Stripe from 'stripe';
import type { ProviderRecord } from './payout-provider.ts';

/** Balance transaction types that are card money: in (a charge or payment) or back out (a refund). */
const KIND_BY_TYPE: Record<string, 'charge' | 'refund'> = { charge: 'charge', payment: 'charge', refund: 'refund', payment_refund: 'refund' };

/** Reads card movements from wherever they are booked; Stripe's balance transactions in production. */
export interface CardMovementSource {
  readonly name: string;
  /** Every card charge and refund booked in [from, to), as provider records with their payment intent. */
  listCardMovements(period: { from: Date; to: Date }): AsyncIterable<ProviderRecord>;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/**
 * Card clearing as Stripe books it: the account's balance transactions, read through the real SDK with
 * auto-pagination (100 a page, so memory holds one page), each with its source charge or refund
 * expanded for the payment intent it belongs to (the key our ledger legs carry). Stripe's `created` is
 * in whole seconds: the period is widened to the seconds that contain its ends.
 */
export class StripeCardMovements implements CardMovementSource {
  readonly name = 'stripe';

  constructor(private readonly stripe: () => Stripe) {}

  async *listCardMovements(period: { from: Date; to: Date }): AsyncIterable<ProviderRecord> {
    const transactions = this.stripe().balanceTransactions.list({
      created: { gte: Math.floor(period.from.getTime() / 1000), lt: Math.ceil(period.to.getTime() / 1000) },
      limit: 100,
      expand: ['data.source'],
    });
    for await (const transaction of transactions) {
      const kind = KIND_BY_TYPE[transaction.type];
      if (!kind) continue;
      const source = transaction.source && typeof transaction.source === 'object' ? (transaction.source as Stripe.Charge | Stripe.Refund) : null;
      const metadata = (source?.metadata ?? {}) as Record<string, string>;
      const paymentIntentId = idOf(source?.payment_intent as string | { id: string } | null | undefined);
      yield {
        providerReference: transaction.id,
        kind,
        amountMinor: Math.abs(transaction.amount),
        currency: transaction.currency.toUpperCase(),
        status: 'succeeded',
        // What our payments module told Stripe the money was for (docs/payments.md), for the reader.
        referenceType: metadata.purpose ?? null,
        referenceId: metadata.reference_id ?? metadata.orderId ?? null,
        paymentIntentId,
        createdAt: new Date(transaction.created * 1000),
      };
    }
  }
}
