import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from '../../entity-columns.ts';

export const STOCK_MOVEMENT_REASONS = ['initial', 'receipt', 'adjustment', 'damage', 'loss', 'return', 'sale', 'correction'] as const;
export type StockMovementReason = (typeof STOCK_MOVEMENT_REASONS)[number];

export type ActorType = 'staff' | 'api_key' | 'operator' | 'system' | 'shopper';

/** Every change of a variant's stock on hand, with why and who: the stock's own journal. */
export interface StockMovement {
  id: string;
  merchantId: string;
  variantId: string;
  /** Signed change in units. */
  quantityDelta: number;
  stockOnHandAfter: number;
  reason: StockMovementReason;
  note: string;
  actorType: ActorType;
  actorId?: string | null;
  createdAt: Opt<Date>;
}

export const StockMovementEntity = new EntitySchema<StockMovement>({
  name: 'StockMovement',
  tableName: 'stock_movement',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    variantId: { type: 'uuid' },
    quantityDelta: { type: 'integer' },
    stockOnHandAfter: { type: 'integer' },
    reason: { type: 'string' },
    note: { type: 'text' },
    actorType: { type: 'string' },
    actorId: { type: 'uuid', nullable: true },
    createdAt: createdAtColumn,
  },
});
