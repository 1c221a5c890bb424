import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, moneyColumn, updatedAtColumn } from '../../entity-columns.ts';
import type { CurrencyCode } from '../../money.ts';

export const WALLET_TOP_UP_STATUSES = ['pending', 'failed', 'succeeded'] as const;
export type WalletTopUpStatus = (typeof WALLET_TOP_UP_STATUSES)[number];

/**
 * Money a shopper puts into their wallet by card. It is credited (card clearing -> shopper wallet) only
 * when Stripe's webhook says the payment succeeded; `failed` is not final, another card may follow.
 */
export interface WalletTopUp {
  id: string;
  shopperId: string;
  amountMinor: number;
  currency: CurrencyCode;
  status: WalletTopUpStatus;
  paymentIntentId: string | null;
  /** The ledger transfer that credited the wallet. */
  transferId: string | null;
  failureCode: string | null;
  idempotencyKey: string | null;
  idempotencyRequest: Record<string, unknown>;
  creditedAt: Date | null;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const WalletTopUpEntity = new EntitySchema<WalletTopUp>({
  name: 'WalletTopUp',
  tableName: 'wallet_top_up',
  properties: {
    id: idColumn,
    shopperId: { type: 'uuid' },
    amountMinor: moneyColumn(),
    currency: { type: 'string', length: 3 },
    status: { type: 'string' },
    paymentIntentId: { type: 'string', nullable: true },
    transferId: { type: 'uuid', nullable: true },
    failureCode: { type: 'string', nullable: true },
    idempotencyKey: { type: 'string', nullable: true },
    idempotencyRequest: { type: 'json' },
    creditedAt: { type: 'Date', nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
