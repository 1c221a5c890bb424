import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';

export const CategoryBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    shopId: Uuid,
    name: Type.String(),
    position: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Category', additionalProperties: false },
);

export const CategoryPosition = Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, description: 'Order in the storefront menu, smallest first.' });

export const CategoryCreateBody = Type.Object(
  {
    shopId: Uuid,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    position: Type.Optional(CategoryPosition),
  },
  { additionalProperties: false },
);
export type CategoryCreateInput = Static<typeof CategoryCreateBody>;

/** A category stays in its shop: its products are in that shop too. */
export const CategoryUpdateBody = Type.Partial(Type.Omit(CategoryCreateBody, ['shopId']), { additionalProperties: false });
export type CategoryUpdateInput = Static<typeof CategoryUpdateBody>;

export const CategoryListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    shopId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type CategoryListFilterInput = Static<typeof CategoryListFilter>;
export const CATEGORY_SORTABLE_FIELDS = ['id', 'name', 'position', 'shopId', 'createdAt', 'updatedAt'] as const;
