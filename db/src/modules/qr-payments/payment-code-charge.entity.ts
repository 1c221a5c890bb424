import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, moneyColumn, updatedAtColumn } from '../../entity-columns.ts';
import type { CurrencyCode } from '../../money.ts';
import type { ActorType } from '../catalog/stock-movement.entity.ts';

export const PAYMENT_CODE_CHARGE_STATUSES = ['awaiting_confirmation', 'succeeded', 'declined', 'expired'] as const;
export type PaymentCodeChargeStatus = (typeof PAYMENT_CODE_CHARGE_STATUSES)[number];

/**
 * A merchant charging a shopper's payment code at the counter. A charge that succeeds becomes a counter
 * order (source `counter`), paid from the wallet and handed over, which settles like any order. Above the
 * confirmation threshold the money is first held (a pending ledger transfer) until the shopper confirms.
 */
export interface PaymentCodeCharge {
  id: string;
  merchantId: string;
  shopId: string;
  shopperId: string;
  amountMinor: number;
  currency: CurrencyCode;
  status: PaymentCodeChargeStatus;
  /** The nonce of the consumed payment code. */
  codeNonce: string;
  note: string;
  orderId: string | null;
  holdTransferId: string | null;
  paymentTransferId: string | null;
  /** Awaiting confirmation until then; afterwards the hold is released. */
  confirmBy: Date | null;
  resolvedAt: Date | null;
  idempotencyKey: string;
  idempotencyRequest: Record<string, unknown>;
  actorType: ActorType;
  actorId: string | null;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const PaymentCodeChargeEntity = new EntitySchema<PaymentCodeCharge>({
  name: 'PaymentCodeCharge',
  tableName: 'payment_code_charge',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    shopId: { type: 'uuid' },
    shopperId: { type: 'uuid' },
    amountMinor: moneyColumn(),
    currency: { type: 'string', length: 3 },
    status: { type: 'string' },
    codeNonce: { type: 'string', unique: true },
    note: { type: 'text' },
    orderId: { type: 'uuid', nullable: true },
    holdTransferId: { type: 'uuid', nullable: true },
    paymentTransferId: { type: 'uuid', nullable: true },
    confirmBy: { type: 'Date', nullable: true },
    resolvedAt: { type: 'Date', nullable: true },
    idempotencyKey: { type: 'string' },
    idempotencyRequest: { type: 'json' },
    actorType: { type: 'string' },
    actorId: { type: 'uuid', nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
