import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, moneyColumn, updatedAtColumn } from '../../entity-columns.ts';
import type { CurrencyCode } from '../../money.ts';
import type { ActorType } from '../catalog/stock-movement.entity.ts';
import type { PaymentMethod } from './order.entity.ts';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';
export type RefundKind = 'refund' | 'cancellation' | 'late_payment';

export interface RefundedLine {
  lineId: string;
  quantity: number;
  amountMinor: number;
}

/**
 * Money given back on an order. Wallet refunds succeed in the transaction that records them. A card
 * refund is an intent (`pending`) until the card processor confirms it; only then do the order, its
 * lines and stock change, with the ledger. A refusal leaves them as they were (`failed`, with the
 * processor's reason). The recovery columns let the sweeper retry a stale one and flag it for an operator.
 */
export interface OrderRefund {
  id: string;
  orderId: string;
  merchantId: string;
  amountMinor: number;
  currency: CurrencyCode;
  method: PaymentMethod;
  status: RefundStatus;
  kind: RefundKind;
  reason: string;
  lines: RefundedLine[];
  restocked: boolean;
  idempotencyKey: string | null;
  idempotencyRequest: Record<string, unknown>;
  /** The card processor's refund id, for card refunds. */
  externalReference: string | null;
  /** The card payment it gives back (the order's, or a late payment's), and its ledger transfer. */
  paymentIntentId?: string | null;
  paymentTransferId?: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  attemptCount?: number;
  lastAttemptAt?: Date | null;
  lastError?: string | null;
  needsAttentionAt?: Date | null;
  attentionReason?: string | null;
  actorType: ActorType;
  actorId: string | null;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const OrderRefundEntity = new EntitySchema<OrderRefund>({
  name: 'OrderRefund',
  tableName: 'order_refund',
  properties: {
    id: idColumn,
    orderId: { type: 'uuid' },
    merchantId: { type: 'uuid' },
    amountMinor: moneyColumn(),
    currency: { type: 'string', length: 3 },
    method: { type: 'string' },
    status: { type: 'string' },
    kind: { type: 'string', default: 'refund' },
    reason: { type: 'text' },
    lines: { type: 'json' },
    restocked: { type: 'boolean' },
    idempotencyKey: { type: 'string', nullable: true },
    idempotencyRequest: { type: 'json' },
    externalReference: { type: 'string', nullable: true },
    paymentIntentId: { type: 'string', nullable: true },
    paymentTransferId: { type: 'uuid', nullable: true },
    failureCode: { type: 'string', nullable: true },
    failureMessage: { type: 'string', nullable: true },
    attemptCount: { type: 'integer', default: 0 },
    lastAttemptAt: { type: 'Date', nullable: true },
    lastError: { type: 'text', nullable: true },
    needsAttentionAt: { type: 'Date', nullable: true },
    attentionReason: { type: 'string', nullable: true },
    actorType: { type: 'string' },
    actorId: { type: 'uuid', nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
