import { Type, type Static } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';
import { ProductPhotos } from './product-photos.schemas.ts';

export const ProductStatusSchema = Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('archived')]);

export const ProductImageSchema = Type.Object(
  {
    url: Type.String({ pattern: '^(https?://|/)\\S+$', maxLength: 2048, description: 'http(s) URL or a path on this server' }),
    alt: Type.String({ maxLength: 300, default: '' }),
  },
  { additionalProperties: false },
);

export const ProductImages = Type.Array(ProductImageSchema, { maxItems: 20 });

/** A product as the console sees it, with aggregates of its variants. */
export const ProductBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    shopId: Uuid,
    categoryId: Type.Union([Uuid, Type.Null()]),
    title: Type.String(),
    description: Type.String(),
    status: ProductStatusSchema,
    images: ProductImages,
    photos: ProductPhotos,
    variantCount: Type.Integer({ minimum: 0 }),
    priceFromMinor: Type.Union([AmountMinor, Type.Null()], { description: 'lowest variant price; null without variants' }),
    stockAvailable: Type.Integer({ description: 'units on hand and not reserved, over all variants' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Product', additionalProperties: false },
);

export const ProductCreateBody = Type.Object(
  {
    shopId: Uuid,
    categoryId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    title: Type.String({ minLength: 1, maxLength: 300 }),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    status: Type.Optional(ProductStatusSchema),
    images: Type.Optional(ProductImages),
  },
  { additionalProperties: false },
);
export type ProductCreateInput = Static<typeof ProductCreateBody>;

/** A product stays in its shop: its category, prices (shop currency) and orders depend on it. */
export const ProductUpdateBody = Type.Partial(Type.Omit(ProductCreateBody, ['shopId']), { additionalProperties: false });
export type ProductUpdateInput = Static<typeof ProductUpdateBody>;

export const ProductListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'searches title and description' })),
    shopId: Type.Optional(Uuid),
    categoryId: Type.Optional(Uuid),
    status: Type.Optional(ProductStatusSchema),
  },
  { additionalProperties: false },
);
export type ProductListFilterInput = Static<typeof ProductListFilter>;
export const PRODUCT_SORTABLE_FIELDS = ['id', 'title', 'status', 'shopId', 'categoryId', 'createdAt', 'updatedAt'] as const;
