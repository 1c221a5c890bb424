import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { STOCK_MOVEMENT_REASONS } from './stock-movement.entity.ts';

/** Reasons staff may record by hand; `initial` and `sale` are written by the system only. */
export const MANUAL_STOCK_MOVEMENT_REASONS = ['receipt', 'adjustment', 'damage', 'loss', 'return', 'correction'] as const;
export type ManualStockMovementReason = (typeof MANUAL_STOCK_MOVEMENT_REASONS)[number];

export const StockMovementBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    variantId: Uuid,
    quantityDelta: Type.Integer(),
    stockOnHandAfter: Type.Integer(),
    reason: Type.Union(STOCK_MOVEMENT_REASONS.map((reason) => Type.Literal(reason))),
    note: Type.String(),
    actorType: Type.String(),
    actorId: Type.Union([Uuid, Type.Null()]),
    createdAt: Timestamp,
  },
  { $id: 'StockMovement', additionalProperties: false },
);

export const StockMovementCreateBody = Type.Object(
  {
    variantId: Uuid,
    quantityDelta: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000, description: 'signed change in units, never zero' }),
    reason: Type.Union(MANUAL_STOCK_MOVEMENT_REASONS.map((reason) => Type.Literal(reason))),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type StockMovementCreateInput = Static<typeof StockMovementCreateBody>;

export const StockMovementListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    variantId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'searches the note' })),
    reason: Type.Optional(Type.Union(STOCK_MOVEMENT_REASONS.map((reason) => Type.Literal(reason)))),
  },
  { additionalProperties: false },
);
export type StockMovementListFilterInput = Static<typeof StockMovementListFilter>;
export const STOCK_MOVEMENT_SORTABLE_FIELDS = ['id', 'createdAt', 'quantityDelta', 'stockOnHandAfter', 'reason', 'variantId'] as const;
