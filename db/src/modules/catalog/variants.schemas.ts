import { Type, type Static } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';

/** The most units one variant may hold (the column is a 32-bit integer). */
export const MAX_STOCK_UNITS = 2_147_483_647;

export const VariantBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    productId: Uuid,
    sku: Type.String(),
    title: Type.String(),
    priceMinor: AmountMinor,
    stockOnHand: Type.Integer(),
    stockReserved: Type.Integer(),
    stockAvailable: Type.Integer({ description: 'stockOnHand - stockReserved' }),
    position: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Variant', additionalProperties: false },
);

export const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S(.*\\S)?$', description: 'unique per merchant; no leading or trailing spaces' });

export const VariantCreateBody = Type.Object(
  {
    productId: Uuid,
    sku: Sku,
    title: Type.Optional(Type.String({ maxLength: 200 })),
    priceMinor: AmountMinor,
    stockOnHand: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_STOCK_UNITS, description: 'initial stock; later changes go through stock movements' })),
    position: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export type VariantCreateInput = Static<typeof VariantCreateBody>;

/**
 * Stock changes only through stock movements, so that every unit has a journal line; a variant stays
 * with its product. Those fields are dropped from an update (react-admin sends the whole record back).
 */
export const VariantUpdateBody = Type.Partial(Type.Omit(VariantCreateBody, ['productId', 'stockOnHand']), { additionalProperties: false });
export type VariantUpdateInput = Static<typeof VariantUpdateBody>;

export const VariantListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'searches SKU and title' })),
    productId: Type.Optional(Uuid),
    sku: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type VariantListFilterInput = Static<typeof VariantListFilter>;
export const VARIANT_SORTABLE_FIELDS = ['id', 'sku', 'title', 'priceMinor', 'stockOnHand', 'stockReserved', 'position', 'productId', 'createdAt', 'updatedAt'] as const;
