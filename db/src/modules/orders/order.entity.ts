import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, moneyColumn, updatedAtColumn } from '../../entity-columns.ts';
import type { CurrencyCode } from '../../money.ts';

export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'packed',
  'shipped',
  'delivered',
  'completed',
  'cancelled',
  'refunded',
  'partially_refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const CANCELLATION_REASONS = ['payment_timeout', 'shopper', 'merchant'] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

export type PaymentMethod = 'wallet' | 'card';
/** `counter`: charged at the counter with the shopper's payment code; it has no lines (docs/qr-checkout.md). */
export type OrderSource = 'cart' | 'buy_now' | 'counter';

/**
 * A shopper's purchase from one shop, in that shop's currency, with prices copied from the catalog at
 * checkout. The fulfilment timestamps stay set when a partial refund changes the status, so the next
 * fulfilment step can still be told.
 */
export interface Order {
  id: string;
  /** Human-facing order number, unique across the platform. */
  number: Opt<number>;
  merchantId: string;
  shopId: string;
  shopperId: string;
  status: OrderStatus;
  currency: CurrencyCode;
  itemCount: number;
  totalMinor: number;
  refundedMinor: Opt<number>;
  source: OrderSource;
  cartId: string | null;
  paymentMethod: PaymentMethod | null;
  /** The ledger transfer that moved the payment into escrow; refunds reverse it. */
  paymentTransferId: string | null;
  /** The card processor's payment, for card orders. */
  paymentIntentId: string | null;
  idempotencyKey: string | null;
  idempotencyRequest: Record<string, unknown>;
  paymentDueAt: Date;
  paidAt: Date | null;
  packedAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
  cancellationReason: CancellationReason | null;
  /** When a delivered order completes by itself: fixed at delivery from the shop's autoConfirmDays. */
  autoConfirmAt: Opt<Date | null>;
  /** Set by the settlement, with what it paid out of escrow (docs/orders.md §10). */
  settledAt: Opt<Date | null>;
  settledGrossMinor: Opt<number | null>;
  platformFeeMinor: Opt<number | null>;
  platformFeeBasisPoints: Opt<number | null>;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const OrderEntity = new EntitySchema<Order>({
  name: 'Order',
  tableName: 'shop_order',
  properties: {
    id: idColumn,
    // Assigned by the database (an identity column); the ORM never writes it.
    number: { ...moneyColumn(), generated: 'as identity' },
    merchantId: { type: 'uuid' },
    shopId: { type: 'uuid' },
    shopperId: { type: 'uuid' },
    status: { type: 'string' },
    currency: { type: 'string', length: 3 },
    itemCount: { type: 'integer' },
    totalMinor: moneyColumn(),
    refundedMinor: moneyColumn(),
    source: { type: 'string' },
    cartId: { type: 'uuid', nullable: true },
    paymentMethod: { type: 'string', nullable: true },
    paymentTransferId: { type: 'uuid', nullable: true },
    paymentIntentId: { type: 'string', nullable: true },
    idempotencyKey: { type: 'string', nullable: true },
    idempotencyRequest: { type: 'json' },
    paymentDueAt: { type: 'Date' },
    paidAt: { type: 'Date', nullable: true },
    packedAt: { type: 'Date', nullable: true },
    shippedAt: { type: 'Date', nullable: true },
    deliveredAt: { type: 'Date', nullable: true },
    completedAt: { type: 'Date', nullable: true },
    cancelledAt: { type: 'Date', nullable: true },
    cancellationReason: { type: 'string', nullable: true },
    autoConfirmAt: { type: 'Date', nullable: true },
    settledAt: { type: 'Date', nullable: true },
    settledGrossMinor: { ...moneyColumn(), nullable: true },
    platformFeeMinor: { ...moneyColumn(), nullable: true },
    platformFeeBasisPoints: { type: 'integer', nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
