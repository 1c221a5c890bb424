import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, moneyColumn, updatedAtColumn } from '../../entity-columns.ts';
import type { CurrencyCode } from '../../money.ts';
import type { ActorType } from '../catalog/stock-movement.entity.ts';
import type { PaymentMethod } from './order.entity.ts';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface RefundedLine {
  lineId: string;
  quantity: number;
  amountMinor: number;
}

/**
 * Money given back on an order. Wallet refunds succeed in the transaction that records them; card
 * refunds stay `pending` until the card processor confirms them.
 */
export interface OrderRefund {
  id: string;
  orderId: string;
  merchantId: string;
  amountMinor: number;
  currency: CurrencyCode;
  method: PaymentMethod;
  status: RefundStatus;
  reason: string;
  lines: RefundedLine[];
  restocked: boolean;
  idempotencyKey: string | null;
  idempotencyRequest: Record<string, unknown>;
  /** The card processor's refund id, for card refunds. */
  externalReference: string | null;
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
    reason: { type: 'text' },
    lines: { type: 'json' },
    restocked: { type: 'boolean' },
    idempotencyKey: { type: 'string', nullable: true },
    idempotencyRequest: { type: 'json' },
    externalReference: { type: 'string', nullable: true },
    actorType: { type: 'string' },
    actorId: { type: 'uuid', nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
